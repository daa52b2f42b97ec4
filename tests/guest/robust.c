// Robust mutexes: the kernel walks a dying thread's robust list (set_robust_list). A thread that
// exits holding a PTHREAD_MUTEX_ROBUST mutex makes the next lock return EOWNERDEAD, both for a
// locker already blocked on it and for a later one; pthread_mutex_consistent makes it usable
// again; unlocking without it makes the mutex ENOTRECOVERABLE. The same for a process-shared
// robust mutex in MAP_SHARED memory whose owner process dies (by _exit and by SIGKILL).
#include "check.h"
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m;

static void init_robust(pthread_mutex_t *mx, int shared)
{
    pthread_mutexattr_t a;
    CHECK(pthread_mutexattr_init(&a) == 0);
    CHECK(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) == 0);
    if (shared)
        CHECK(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0);
    CHECK(pthread_mutex_init(mx, &a) == 0);
    CHECK(pthread_mutexattr_destroy(&a) == 0);
}

static void *lock_and_die(void *arg)
{
    pthread_mutex_t *mx = arg;
    CHECK(pthread_mutex_lock(mx) == 0);
    return NULL; /* exits holding it */
}

static void *lock_and_linger(void *arg)
{
    pthread_mutex_t *mx = arg;
    CHECK(pthread_mutex_lock(mx) == 0);
    struct timespec ts = {0, 150 * 1000000L};
    nanosleep(&ts, NULL);
    pthread_exit(NULL); /* still holding it */
}

static void threads(void)
{
    init_robust(&m, 0);
    /* Later locker. */
    pthread_t t;
    CHECK(pthread_create(&t, NULL, lock_and_die, &m) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(pthread_mutex_lock(&m) == EOWNERDEAD);
    CHECK(pthread_mutex_consistent(&m) == 0);
    CHECK(pthread_mutex_unlock(&m) == 0);
    CHECK(pthread_mutex_lock(&m) == 0);
    CHECK(pthread_mutex_unlock(&m) == 0);
    /* trylock sees it too. */
    CHECK(pthread_create(&t, NULL, lock_and_die, &m) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(pthread_mutex_trylock(&m) == EOWNERDEAD);
    CHECK(pthread_mutex_consistent(&m) == 0);
    CHECK(pthread_mutex_unlock(&m) == 0);

    /* A locker already blocked when the owner dies is woken with EOWNERDEAD. */
    CHECK(pthread_create(&t, NULL, lock_and_linger, &m) == 0);
    struct timespec ts = {0, 30 * 1000000L};
    nanosleep(&ts, NULL);
    CHECK(pthread_mutex_lock(&m) == EOWNERDEAD); /* blocks ~120 ms */
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(pthread_mutex_consistent(&m) == 0);
    CHECK(pthread_mutex_unlock(&m) == 0);

    /* Not made consistent: unrecoverable for good. */
    CHECK(pthread_create(&t, NULL, lock_and_die, &m) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(pthread_mutex_lock(&m) == EOWNERDEAD);
    CHECK(pthread_mutex_unlock(&m) == 0);
    CHECK(pthread_mutex_lock(&m) == ENOTRECOVERABLE);
    CHECK(pthread_mutex_trylock(&m) == ENOTRECOVERABLE);
}

/* Several robust mutexes held at once by the dying thread. */
static pthread_mutex_t many[5];

static void *lock_all_and_die(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++)
        CHECK(pthread_mutex_lock(&many[i]) == 0);
    return NULL;
}

static void many_held(void)
{
    for (int i = 0; i < 5; i++)
        init_robust(&many[i], 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, lock_all_and_die, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    for (int i = 0; i < 5; i++) {
        CHECK(pthread_mutex_lock(&many[i]) == EOWNERDEAD);
        CHECK(pthread_mutex_consistent(&many[i]) == 0);
        CHECK(pthread_mutex_unlock(&many[i]) == 0);
    }
}

static void processes(void)
{
    pthread_mutex_t *shm =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shm != MAP_FAILED);
    init_robust(shm, 1);
    for (int how = 0; how < 2; how++) {
        int p[2];
        CHECK(pipe(p) == 0);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            if (pthread_mutex_lock(shm) != 0)
                _exit(1);
            if (write(p[1], "l", 1) != 1)
                _exit(2);
            if (how == 0)
                _exit(0);
            for (;;)
                pause();
        }
        char c;
        CHECK(read(p[0], &c, 1) == 1);
        if (how == 1)
            CHECK(kill(pid, SIGKILL) == 0);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid);
        CHECK(pthread_mutex_lock(shm) == EOWNERDEAD);
        CHECK(pthread_mutex_consistent(shm) == 0);
        CHECK(pthread_mutex_unlock(shm) == 0);
        close(p[0]);
        close(p[1]);
    }
    CHECK(munmap(shm, 4096) == 0);
}

int main(void)
{
    threads();
    many_held();
    processes();
    printf("robust: ok\n");
    return 0;
}
