// POSIX threads: 16 threads with distinct tids, one pid, distinct stacks and thread-local
// values; a contended mutex; a condition variable queue (producer/consumers); a barrier reused
// over several rounds; a rwlock; pthread_join return values and pthread_exit; a detached thread;
// pthread_once; pthread_cancel of a thread blocked in a cancellation point; pthread_kill to one
// thread, whose handler runs on that thread; a signal to the process taken by the one thread
// that has it unblocked; a thread calling exit() ends the whole process with that status; the
// main thread exiting first (the process lives on); fork and posix_spawn from a second thread of
// a busy process.
#include "check.h"
#include <pthread.h>
#include <semaphore.h>
#include <spawn.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { N = 16, ROUNDS = 5, INCREMENTS = 20000 };

static __thread int tls_value = 5;
static __thread char tls_buf[256];
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pthread_barrier_t barrier;
static pid_t tids[N];
static uintptr_t stack_addrs[N];
static int *tls_addrs[N];

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    CHECK(tls_value == 5); /* the initial image, per thread */
    tls_value = 1000 + id;
    memset(tls_buf, 'a' + id, sizeof tls_buf);
    tids[id] = gettid_();
    int local;
    stack_addrs[id] = (uintptr_t)&local;
    tls_addrs[id] = &tls_value;
    CHECK(getpid() == getpid()); /* same process */
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < INCREMENTS / ROUNDS; i++) {
            pthread_mutex_lock(&mutex);
            counter++;
            pthread_mutex_unlock(&mutex);
        }
        int rc = pthread_barrier_wait(&barrier);
        CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
        /* Everyone finished round r: the counter is exactly there. */
        pthread_mutex_lock(&mutex);
        CHECK(counter >= (long)(r + 1) * N * (INCREMENTS / ROUNDS));
        pthread_mutex_unlock(&mutex);
        rc = pthread_barrier_wait(&barrier);
        CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
    }
    /* Our TLS survived everyone else's writes. */
    CHECK(tls_value == 1000 + id);
    for (unsigned i = 0; i < sizeof tls_buf; i++)
        CHECK(tls_buf[i] == 'a' + id);
    if (id % 2)
        pthread_exit((void *)(intptr_t)(id * id));
    return (void *)(intptr_t)(id * id);
}

static void many_threads(void)
{
    pthread_t t[N];
    CHECK(pthread_barrier_init(&barrier, NULL, N) == 0);
    tls_value = 7;
    for (int i = 0; i < N; i++)
        CHECK(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < N; i++) {
        void *ret;
        CHECK(pthread_join(t[i], &ret) == 0);
        CHECK((intptr_t)ret == i * i);
    }
    CHECK(counter == (long)N * INCREMENTS);
    CHECK(tls_value == 7);
    pid_t me = gettid_();
    CHECK(me == getpid());
    for (int i = 0; i < N; i++) {
        CHECK(tids[i] > 0 && tids[i] != me);
        for (int j = 0; j < i; j++) {
            CHECK(tids[i] != tids[j]);
            CHECK(stack_addrs[i] != stack_addrs[j]);
            CHECK(tls_addrs[i] != tls_addrs[j]);
        }
    }
    CHECK(pthread_barrier_destroy(&barrier) == 0);
    /* Joined twice: ESRCH or EINVAL from glibc -- not tested; join of self is EDEADLK. */
    CHECK(pthread_join(pthread_self(), NULL) == EDEADLK);
}

/* ---- condition variable: a bounded queue ---- */

enum { QCAP = 4, ITEMS = 2000, CONSUMERS = 3 };
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static int queue[QCAP], qhead, qlen, done;
static long consumed_sum, consumed_count;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == QCAP)
            pthread_cond_wait(&not_full, &qlock);
        queue[(qhead + qlen++) % QCAP] = i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qlock);
    }
    pthread_mutex_lock(&qlock);
    done = 1;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&qlock);
    return NULL;
}

static void *consumer(void *arg)
{
    long mine = 0;
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&qlock);
        while (qlen == 0 && !done)
            pthread_cond_wait(&not_empty, &qlock);
        if (qlen == 0 && done) {
            pthread_mutex_unlock(&qlock);
            break;
        }
        int v = queue[qhead];
        qhead = (qhead + 1) % QCAP;
        qlen--;
        consumed_sum += v;
        consumed_count++;
        mine++;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qlock);
    }
    return (void *)mine;
}

static void condvar(void)
{
    pthread_t p, c[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++)
        CHECK(pthread_create(&c[i], NULL, consumer, NULL) == 0);
    CHECK(pthread_create(&p, NULL, producer, NULL) == 0);
    CHECK(pthread_join(p, NULL) == 0);
    long total = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        void *r;
        CHECK(pthread_join(c[i], &r) == 0);
        total += (long)r;
    }
    CHECK(total == ITEMS && consumed_count == ITEMS);
    CHECK(consumed_sum == (long)ITEMS * (ITEMS + 1) / 2);

    /* pthread_cond_timedwait times out. */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 50 * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&qlock);
    CHECK(pthread_cond_timedwait(&not_empty, &qlock, &deadline) == ETIMEDOUT);
    pthread_mutex_unlock(&qlock);
}

/* ---- rwlock, once, detached, semaphores ---- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared_value;
static int once_calls;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static sem_t detached_done;

static void init_once(void) { once_calls++; }

static void *reader_writer(void *arg)
{
    int id = (int)(intptr_t)arg;
    pthread_once(&once, init_once);
    for (int i = 0; i < 500; i++) {
        if (i % 10 == id % 10) {
            pthread_rwlock_wrlock(&rw);
            int v = shared_value;
            shared_value = v + 1;
            pthread_rwlock_unlock(&rw);
        } else {
            pthread_rwlock_rdlock(&rw);
            (void)shared_value;
            pthread_rwlock_unlock(&rw);
        }
    }
    return NULL;
}

static void *detached(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
    sem_post(&detached_done);
    return NULL;
}

static void misc(void)
{
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        CHECK(pthread_create(&t[i], NULL, reader_writer, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < 8; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    CHECK(shared_value == 8 * 50);
    CHECK(once_calls == 1);

    CHECK(sem_init(&detached_done, 0, 0) == 0);
    pthread_attr_t attr;
    CHECK(pthread_attr_init(&attr) == 0);
    CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0);
    pthread_t d;
    CHECK(pthread_create(&d, &attr, detached, NULL) == 0);
    CHECK(pthread_attr_destroy(&attr) == 0);
    CHECK(sem_wait(&detached_done) == 0);
    /* And one detached after creation. */
    CHECK(pthread_create(&d, NULL, detached, NULL) == 0);
    CHECK(pthread_detach(d) == 0);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    CHECK(sem_timedwait(&detached_done, &deadline) == 0);

    /* A thread with a small explicit stack. */
    CHECK(pthread_attr_init(&attr) == 0);
    CHECK(pthread_attr_setstacksize(&attr, 64 * 1024) == 0);
    CHECK(pthread_create(&d, &attr, detached, NULL) == 0);
    CHECK(pthread_join(d, NULL) == 0);
    CHECK(sem_wait(&detached_done) == 0);
    CHECK(pthread_attr_destroy(&attr) == 0);
}

/* ---- cancel ---- */

static volatile int cleanup_ran;

static void cleanup(void *arg)
{
    (void)arg;
    cleanup_ran = 1;
}

static void *cancellable(void *arg)
{
    int *fds = arg;
    pthread_cleanup_push(cleanup, NULL);
    char c;
    for (;;)
        if (read(fds[0], &c, 1) < 0) /* a cancellation point, blocks forever */
            break;
    pthread_cleanup_pop(0);
    return NULL;
}

static void *sleepy(void *arg)
{
    (void)arg;
    for (;;)
        sleep(10);
    return NULL;
}

static void cancel(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, cancellable, fds) == 0);
    struct timespec ts = {0, 30 * 1000000L};
    nanosleep(&ts, NULL);
    CHECK(pthread_cancel(t) == 0);
    void *r;
    CHECK(pthread_join(t, &r) == 0);
    CHECK(r == PTHREAD_CANCELED);
    CHECK(cleanup_ran == 1);
    CHECK(pthread_create(&t, NULL, sleepy, NULL) == 0);
    nanosleep(&ts, NULL);
    CHECK(pthread_cancel(t) == 0);
    CHECK(pthread_join(t, &r) == 0);
    CHECK(r == PTHREAD_CANCELED);
    close(fds[0]);
    close(fds[1]);
}

/* ---- signals and threads ---- */

static volatile pid_t handled_on;
static volatile int handled;

static void note_thread(int sig)
{
    (void)sig;
    handled_on = gettid_();
    handled++;
}

static sem_t started;
static volatile pid_t target_tid;
static volatile int stop_waiting;

static void *signal_target(void *arg)
{
    int unblock = (int)(intptr_t)arg;
    if (unblock) {
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGUSR1);
        pthread_sigmask(SIG_UNBLOCK, &m, NULL);
    }
    target_tid = gettid_();
    sem_post(&started);
    while (!stop_waiting) {
        struct timespec ts = {0, 2 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void thread_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = note_thread;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(sem_init(&started, 0, 0) == 0);

    /* pthread_kill: the handler runs on that thread. */
    pthread_t t;
    stop_waiting = 0;
    handled = 0;
    CHECK(pthread_create(&t, NULL, signal_target, (void *)0) == 0);
    CHECK(sem_wait(&started) == 0);
    CHECK(pthread_kill(t, SIGUSR1) == 0);
    for (int i = 0; i < 2000 && !handled; i++) {
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
    CHECK(handled == 1 && handled_on == target_tid);
    stop_waiting = 1;
    CHECK(pthread_join(t, NULL) == 0);

    /* The main thread blocks SIGUSR1 (new threads inherit that), one thread unblocks it: a
     * signal to the process goes to that thread. */
    sigset_t m, old;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    CHECK(pthread_sigmask(SIG_BLOCK, &m, &old) == 0);
    stop_waiting = 0;
    handled = 0;
    pthread_t blocked_one, open_one;
    CHECK(pthread_create(&blocked_one, NULL, signal_target, (void *)0) == 0);
    CHECK(sem_wait(&started) == 0);
    CHECK(pthread_create(&open_one, NULL, signal_target, (void *)1) == 0);
    CHECK(sem_wait(&started) == 0);
    pid_t open_tid = target_tid;
    CHECK(kill(getpid(), SIGUSR1) == 0);
    for (int i = 0; i < 2000 && !handled; i++) {
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
    CHECK(handled == 1 && handled_on == open_tid);
    stop_waiting = 1;
    CHECK(pthread_join(blocked_one, NULL) == 0);
    CHECK(pthread_join(open_one, NULL) == 0);
    CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL) == 0);
    signal(SIGUSR1, SIG_DFL);
}

/* ---- exit() from a thread ends the process ---- */

static void *exiter(void *arg)
{
    (void)arg;
    exit(42);
}

static void exit_from_thread(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pthread_t t;
        for (int i = 0; i < 3; i++)
            pthread_create(&t, NULL, sleepy, NULL);
        pthread_create(&t, NULL, exiter, NULL);
        for (;;)
            pause();
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    /* A thread killed by SIGSEGV kills the whole process. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, sleepy, NULL);
        signal(SIGSEGV, SIG_DFL);
        pthread_kill(t, SIGSEGV);
        for (;;)
            pause();
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

/* ---- the main thread leaves first; fork and posix_spawn from a threaded process ---- */

static void *finish_later(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 150 * 1000000L};
    nanosleep(&ts, NULL);
    exit(9); /* the process ends with this, after its main thread is long gone */
}

static void *fork_from_thread(void *arg)
{
    (void)arg;
    pid_t pid = fork();
    if (pid == 0) {
        /* One thread here, the one that forked, with the process's id. */
        _exit(syscall(SYS_gettid) == getpid() ? 0 : 1);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return (void *)1;
    return (void *)(intptr_t)WEXITSTATUS(status);
}

static void *spawn_from_thread(void *arg)
{
    (void)arg;
    pid_t pid;
    char *argv[] = {"sh", "-c", "exit 6", NULL};
    char *envp[] = {NULL};
    if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, envp) != 0)
        return (void *)100;
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return (void *)101;
    return (void *)(intptr_t)WEXITSTATUS(status);
}

static void threads_and_processes(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, finish_later, NULL);
        pthread_exit(NULL);
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    clock_gettime(CLOCK_MONOTONIC, &end);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 9);
    CHECK((end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000 >= 140);

    /* fork while other threads run (one holds a mutex); the child has one thread. */
    pthread_t busy[3], t;
    stop_waiting = 0;
    CHECK(sem_init(&started, 0, 0) == 0);
    for (int i = 0; i < 3; i++) {
        CHECK(pthread_create(&busy[i], NULL, signal_target, (void *)0) == 0);
        CHECK(sem_wait(&started) == 0);
    }
    pthread_mutex_lock(&mutex);
    void *r;
    CHECK(pthread_create(&t, NULL, fork_from_thread, NULL) == 0);
    CHECK(pthread_join(t, &r) == 0);
    CHECK(r == NULL);
    pthread_mutex_unlock(&mutex);
    /* posix_spawn (CLONE_VM|CLONE_VFORK) from a thread. */
    CHECK(pthread_create(&t, NULL, spawn_from_thread, NULL) == 0);
    CHECK(pthread_join(t, &r) == 0);
    CHECK((intptr_t)r == 6);
    stop_waiting = 1;
    for (int i = 0; i < 3; i++)
        CHECK(pthread_join(busy[i], NULL) == 0);
}

int main(void)
{
    many_threads();
    condvar();
    misc();
    cancel();
    thread_signals();
    exit_from_thread();
    threads_and_processes();
    printf("pthreads: ok\n");
    return 0;
}
