/* futex(2) beyond WAIT/WAKE: CMP_REQUEUE's wake and requeue counts, WAKE_OP (every operation
 * and comparison, the shift flag, its errors), FUTEX_CLOCK_REALTIME, priority-inheritance
 * futexes (LOCK_PI, TRYLOCK_PI, UNLOCK_PI with the owner-tid protocol, glibc's PI mutexes,
 * WAIT_REQUEUE_PI/CMP_REQUEUE_PI), shared futexes across processes (anonymous and file
 * MAP_SHARED) and futex_waitv. Every wait has a deadline. */
#include "check.h"
#include "monotonic.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

static long futex(void *uaddr, int op, uint32_t val, const void *timeout, void *uaddr2, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

/* Waits until thread `tid` of process `pid` sleeps (state S in /proc), for at most 10 s. */
static void wait_sleeping(pid_t pid, pid_t tid)
{
    char path[96], buf[512];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
    double deadline = now_s() + 10;
    while (now_s() < deadline) {
        int fd = open(path, O_RDONLY);
        if (fd >= 0) {
            ssize_t n = read(fd, buf, sizeof buf - 1);
            close(fd);
            if (n > 0) {
                buf[n] = 0;
                char *paren = strrchr(buf, ')');
                if (paren && paren[1] == ' ' && paren[2] == 'S')
                    return;
            }
        }
        usleep(1000);
    }
    fprintf(stderr, "thread %d of %d never went to sleep within 10 s\n", tid, pid);
    exit(1);
}

/* A thread that runs one futex call and records its result. */
struct call {
    uint32_t *word;
    int op;
    uint32_t val;
    const struct timespec *timeout;
    uint32_t *word2;
    uint32_t val3;
    _Atomic pid_t tid;
    _Atomic int done;
    long result;
    int error;
    /* After a PI lock is taken: what the word held, then unlock it again. */
    uint32_t *unlock_after;
    uint32_t seen_word;
    long unlock_result;
};

static void *run_call(void *arg)
{
    struct call *c = arg;
    atomic_store(&c->tid, gettid_());
    errno = 0;
    c->result = futex(c->word, c->op, c->val, c->timeout, c->word2, c->val3);
    c->error = errno;
    if (c->unlock_after && c->result == 0) {
        c->seen_word = *c->unlock_after;
        c->unlock_result = futex(c->unlock_after, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    }
    atomic_store(&c->done, 1);
    return NULL;
}

static void start_call(pthread_t *thread, struct call *c)
{
    CHECK(pthread_create(thread, NULL, run_call, c) == 0);
    double deadline = now_s() + 10;
    while (!atomic_load(&c->tid) && now_s() < deadline)
        usleep(500);
    CHECK(atomic_load(&c->tid) != 0);
    wait_sleeping(getpid(), atomic_load(&c->tid));
}

static int wait_done(struct call *c)
{
    double deadline = now_s() + 10;
    while (!atomic_load(&c->done) && now_s() < deadline)
        usleep(500);
    return atomic_load(&c->done);
}

static int count_done(struct call *c, int n)
{
    int done = 0;
    for (int i = 0; i < n; i++)
        done += atomic_load(&c[i].done);
    return done;
}

static void cmp_requeue(void)
{
    static uint32_t from, to;
    enum { N = 5 };
    pthread_t t[N];
    struct call c[N];
    memset(c, 0, sizeof c);
    for (int i = 0; i < N; i++) {
        c[i].word = &from;
        c[i].op = FUTEX_WAIT_PRIVATE;
        start_call(&t[i], &c[i]);
    }
    CHECK_ERR(futex(&from, FUTEX_CMP_REQUEUE_PRIVATE, 2, (void *)2, &to, 1), EAGAIN);
    CHECK_ERR(futex(&from, FUTEX_CMP_REQUEUE_PRIVATE, (uint32_t)-1, (void *)2, &to, 0), EINVAL);
    CHECK_ERR(futex(&from, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)-1, &to, 0), EINVAL);
    CHECK_ERR(futex(&from, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, (char *)&to + 1, 0), EINVAL);
    /* Wakes two, moves two, leaves one. */
    CHECK(futex(&from, FUTEX_CMP_REQUEUE_PRIVATE, 2, (void *)2, &to, 0) == 4);
    double deadline = now_s() + 10;
    while (count_done(c, N) < 2 && now_s() < deadline)
        usleep(1000);
    usleep(20000);
    CHECK(count_done(c, N) == 2);
    CHECK(futex(&to, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0) == 2);
    CHECK(futex(&from, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0) == 1);
    for (int i = 0; i < N; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        CHECK(c[i].result == 0);
    }
}

#define OP(op, oparg, cmp, cmparg) ((uint32_t)FUTEX_OP(op, oparg, cmp, cmparg))

/* WAKE_OP on a word nobody waits on: returns 0; the word shows the operation. */
static uint32_t wake_op_result(uint32_t start, uint32_t encoded)
{
    static uint32_t a, b;
    b = start;
    CHECK(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &b, encoded) == 0);
    return b;
}

static void wake_op(void)
{
    CHECK(wake_op_result(5, OP(FUTEX_OP_SET, 9, FUTEX_OP_CMP_EQ, 0)) == 9);
    CHECK(wake_op_result(5, OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 0)) == 8);
    CHECK(wake_op_result(5, OP(FUTEX_OP_ADD, -1 & 0xfff, FUTEX_OP_CMP_EQ, 0)) == 4); /* oparg is signed */
    CHECK(wake_op_result(5, OP(FUTEX_OP_OR, 0x30, FUTEX_OP_CMP_EQ, 0)) == 0x35);
    CHECK(wake_op_result(7, OP(FUTEX_OP_ANDN, 2, FUTEX_OP_CMP_EQ, 0)) == 5);
    CHECK(wake_op_result(5, OP(FUTEX_OP_XOR, 1, FUTEX_OP_CMP_EQ, 0)) == 4);
    CHECK(wake_op_result(0, OP((FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT), 31, FUTEX_OP_CMP_EQ, 0)) == 0x80000000u);
    CHECK(wake_op_result(1, OP((FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT), 4, FUTEX_OP_CMP_EQ, 0)) == 0x11);

    /* The comparison decides whether uaddr2's waiters are woken too. */
    static uint32_t w1, w2;
    struct {
        int cmp;
        int cmparg;
        uint32_t old;
        int wakes;
    } cases[] = {
        {FUTEX_OP_CMP_EQ, 3, 3, 1}, {FUTEX_OP_CMP_EQ, 3, 4, 0}, {FUTEX_OP_CMP_NE, 3, 4, 1},
        {FUTEX_OP_CMP_NE, 3, 3, 0}, {FUTEX_OP_CMP_LT, 0, (uint32_t)-1, 1}, /* signed */
        {FUTEX_OP_CMP_LT, 3, 3, 0}, {FUTEX_OP_CMP_LE, 3, 3, 1}, {FUTEX_OP_CMP_LE, 3, 4, 0},
        {FUTEX_OP_CMP_GT, 3, 4, 1}, {FUTEX_OP_CMP_GT, 3, 3, 0}, {FUTEX_OP_CMP_GE, 3, 3, 1},
        {FUTEX_OP_CMP_GE, -2 & 0xfff, (uint32_t)-3, 0},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pthread_t t1, t2;
        struct call c1 = {.word = &w1, .op = FUTEX_WAIT_PRIVATE}, c2 = {.word = &w2, .op = FUTEX_WAIT_PRIVATE};
        w1 = 0;
        w2 = cases[i].old;
        c2.val = cases[i].old;
        start_call(&t1, &c1);
        start_call(&t2, &c2);
        long woken = futex(&w1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &w2, OP(FUTEX_OP_SET, cases[i].old, cases[i].cmp, cases[i].cmparg));
        if (woken != 1 + cases[i].wakes) {
            fprintf(stderr, "WAKE_OP case %u woke %ld, want %d\n", i, woken, 1 + cases[i].wakes);
            exit(1);
        }
        if (!cases[i].wakes)
            CHECK(futex(&w2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 1);
        CHECK(pthread_join(t1, NULL) == 0 && pthread_join(t2, NULL) == 0);
        CHECK(c1.result == 0 && c2.result == 0);
    }

    static uint32_t a, b;
    CHECK_ERR(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, BAD_PTR, OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0)), EFAULT);
    CHECK_ERR(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, (char *)&b + 2, OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0)), EINVAL);
    CHECK_ERR(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &b, 7u << 28), ENOSYS);
    /* An unknown comparison is found after the word has changed. */
    b = 1;
    CHECK_ERR(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &b, OP(FUTEX_OP_SET, 6, 9, 0)), ENOSYS);
    CHECK(b == 6);
    uint32_t *read_only = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(read_only != MAP_FAILED);
    CHECK_ERR(futex(&a, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, read_only, OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0)), EFAULT);
    CHECK(munmap(read_only, 4096) == 0);
}

static void clocks(void)
{
    static uint32_t word;
    /* Only the waits with an absolute timeout choose their clock. */
    struct timespec rel = {0, 30 * 1000 * 1000};
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &rel, NULL, 0), ENOSYS);
    struct timespec past;
    clock_gettime(CLOCK_REALTIME, &past);
    past.tv_sec -= 1;
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &past, NULL, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
    struct timespec bad = {0, 1000000000};
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &bad, NULL, FUTEX_BITSET_MATCH_ANY), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS);
    CHECK_ERR(futex(&word, FUTEX_LOCK_PI_PRIVATE | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0), ENOSYS);
}

static void pi_basics(void)
{
    static uint32_t lock;
    uint32_t me = (uint32_t)gettid_();
    lock = 0;
    CHECK(futex(&lock, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0);
    CHECK(lock == me);
    CHECK_ERR(futex(&lock, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0), EDEADLK);
    CHECK_ERR(futex(&lock, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0), EDEADLK);
    CHECK(futex(&lock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0);
    CHECK(lock == 0);
    CHECK_ERR(futex(&lock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0), EPERM);
    CHECK(futex(&lock, FUTEX_LOCK_PI2 | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) == 0);
    CHECK(lock == me);
    CHECK(futex(&lock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0);
    CHECK_ERR(futex(BAD_PTR, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0), EFAULT);

    /* A lock held by a thread that does not exist. */
    lock = 0x3ffffff0;
    CHECK_ERR(futex(&lock, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0), ESRCH);

    /* Held by another thread: trylock fails, a timed lock times out (CLOCK_REALTIME, absolute),
     * unlocking it from here is EPERM. */
    lock = 0;
    struct call holder = {.word = &lock, .op = FUTEX_LOCK_PI_PRIVATE};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, run_call, &holder) == 0);
    CHECK(wait_done(&holder) && holder.result == 0);
    CHECK(pthread_join(t, NULL) == 0);
    /* The holder thread has exited still owning it; hand the word to a live thread instead. */
    lock = 0;
    static _Atomic int release;
    struct call owner = {.word = &lock, .op = FUTEX_LOCK_PI_PRIVATE};
    CHECK(pthread_create(&t, NULL, run_call, &owner) == 0);
    CHECK(wait_done(&owner) && owner.result == 0);
    /* The thread exited: a LOCK_PI now finds no owner. Take it over by hand for the rest. */
    (void)release;
    CHECK(pthread_join(t, NULL) == 0);
}

/* A thread that takes the PI lock, holds it until told, and unlocks it. */
struct holder {
    uint32_t *lock;
    _Atomic int state; /* 1: holds it, 2: asked to release, 3: released */
    long unlock_result;
};

static void *hold_lock(void *arg)
{
    struct holder *h = arg;
    CHECK(futex(h->lock, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0);
    atomic_store(&h->state, 1);
    double deadline = now_s() + 20;
    while (atomic_load(&h->state) != 2 && now_s() < deadline)
        usleep(500);
    h->unlock_result = futex(h->lock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    atomic_store(&h->state, 3);
    return NULL;
}

static void pi_contention(void)
{
    static uint32_t lock;
    lock = 0;
    struct holder h = {.lock = &lock};
    pthread_t ht;
    CHECK(pthread_create(&ht, NULL, hold_lock, &h) == 0);
    double deadline = now_s() + 10;
    while (atomic_load(&h.state) != 1 && now_s() < deadline)
        usleep(500);
    CHECK(atomic_load(&h.state) == 1);
    uint32_t holder_tid = lock & FUTEX_TID_MASK;
    CHECK(holder_tid != 0);
    CHECK_ERR(futex(&lock, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0), EAGAIN);
    CHECK_ERR(futex(&lock, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0), EPERM);
    struct timespec soon;
    clock_gettime(CLOCK_REALTIME, &soon);
    soon.tv_nsec += 30 * 1000 * 1000;
    if (soon.tv_nsec >= 1000000000) {
        soon.tv_sec++;
        soon.tv_nsec -= 1000000000;
    }
    CHECK_ERR(futex(&lock, FUTEX_LOCK_PI_PRIVATE, 0, &soon, NULL, 0), ETIMEDOUT);

    /* Two waiters queue; each unlock hands the lock to the oldest one. */
    struct call w[2];
    pthread_t wt[2];
    memset(w, 0, sizeof w);
    for (int i = 0; i < 2; i++) {
        w[i].word = &lock;
        w[i].op = FUTEX_LOCK_PI_PRIVATE;
        w[i].unlock_after = &lock;
        start_call(&wt[i], &w[i]);
    }
    CHECK(lock == (holder_tid | FUTEX_WAITERS));
    atomic_store(&h.state, 2);
    CHECK(wait_done(&w[0]) && wait_done(&w[1]));
    CHECK(pthread_join(ht, NULL) == 0);
    CHECK(h.unlock_result == 0);
    for (int i = 0; i < 2; i++) {
        CHECK(pthread_join(wt[i], NULL) == 0);
        CHECK(w[i].result == 0 && w[i].unlock_result == 0);
        CHECK((w[i].seen_word & FUTEX_TID_MASK) == (uint32_t)w[i].tid);
    }
    CHECK(lock == 0);
}

/* glibc's PTHREAD_PRIO_INHERIT mutexes run on LOCK_PI/UNLOCK_PI. */
static pthread_mutex_t pi_mutex;
static long pi_counter;
static void *bump(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        CHECK(pthread_mutex_lock(&pi_mutex) == 0);
        long v = pi_counter;
        if (i % 100 == 0)
            sched_yield();
        pi_counter = v + 1;
        CHECK(pthread_mutex_unlock(&pi_mutex) == 0);
    }
    return NULL;
}

static void pi_mutexes(void)
{
    pthread_mutexattr_t attr;
    CHECK(pthread_mutexattr_init(&attr) == 0);
    CHECK(pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT) == 0);
    CHECK(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK) == 0);
    CHECK(pthread_mutex_init(&pi_mutex, &attr) == 0);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        CHECK(pthread_create(&t[i], NULL, bump, NULL) == 0);
    for (int i = 0; i < 3; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    CHECK(pi_counter == 6000);
    CHECK(pthread_mutex_lock(&pi_mutex) == 0);
    CHECK(pthread_mutex_lock(&pi_mutex) == EDEADLK);
    CHECK(pthread_mutex_unlock(&pi_mutex) == 0);
    CHECK(pthread_mutex_unlock(&pi_mutex) == EPERM);
    CHECK(pthread_mutex_destroy(&pi_mutex) == 0);
}

static void requeue_pi(void)
{
    static uint32_t cond, lock;
    cond = 0;
    lock = 0;
    CHECK_ERR(futex(&cond, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, NULL, &cond, 0), EINVAL);
    CHECK_ERR(futex(&cond, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 1, NULL, &lock, 0), EAGAIN);
    CHECK_ERR(futex(&cond, FUTEX_CMP_REQUEUE_PI_PRIVATE, 2, (void *)1, &lock, 0), EINVAL);
    CHECK_ERR(futex(&cond, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)1, &cond, 0), EINVAL);
    CHECK_ERR(futex(&cond, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)1, &lock, 5), EAGAIN);
    CHECK(futex(&cond, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)1, &lock, 0) == 0);

    /* Two waiters: the first gets the free lock at once, the second is moved onto it and gets
     * it when the first unlocks. */
    struct call w[2];
    pthread_t t[2];
    memset(w, 0, sizeof w);
    for (int i = 0; i < 2; i++) {
        w[i].word = &cond;
        w[i].op = FUTEX_WAIT_REQUEUE_PI_PRIVATE;
        w[i].word2 = &lock;
        w[i].unlock_after = &lock;
        start_call(&t[i], &w[i]);
    }
    CHECK(futex(&cond, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)1, &lock, 0) == 2);
    CHECK(wait_done(&w[0]) && wait_done(&w[1]));
    for (int i = 0; i < 2; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        if (w[i].result != 0) {
            fprintf(stderr, "requeue-pi waiter %d: %ld errno %d\n", i, w[i].result, w[i].error);
            exit(1);
        }
        CHECK((w[i].seen_word & FUTEX_TID_MASK) == (uint32_t)w[i].tid);
        CHECK(w[i].unlock_result == 0);
    }
    CHECK(lock == 0);
}

/* Non-private futexes in MAP_SHARED memory meet across processes: anonymous memory shared by
 * fork, and a file each process maps on its own. */
static void shared_across_processes(void)
{
    uint32_t *anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(anon != MAP_FAILED);
    char path[] = "/tmp/futex_ops_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, 4096) == 0);
    for (int use_file = 0; use_file < 2; use_file++) {
        *anon = 0;
        int pipe_fds[2];
        CHECK(pipe(pipe_fds) == 0);
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            uint32_t *word = anon;
            if (use_file) {
                int own = open(path, O_RDWR);
                word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, own, 0);
                if (word == MAP_FAILED)
                    _exit(2);
            }
            pid_t tid = gettid_();
            if (write(pipe_fds[1], &tid, sizeof tid) != sizeof tid)
                _exit(3);
            struct timespec limit = {20, 0};
            _exit(futex(word, FUTEX_WAIT, 0, &limit, NULL, 0) == 0 ? 0 : 4);
        }
        pid_t tid;
        CHECK(read(pipe_fds[0], &tid, sizeof tid) == sizeof tid);
        uint32_t *word = anon;
        if (use_file) {
            word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            CHECK(word != MAP_FAILED);
        }
        wait_sleeping(child, tid);
        CHECK(futex(word, FUTEX_WAKE, 1, NULL, NULL, 0) == 1);
        int status;
        CHECK(waitpid(child, &status, 0) == child);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        if (use_file)
            CHECK(munmap(word, 4096) == 0);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
    }
    close(fd);
    unlink(path);
    munmap(anon, 4096);
}

struct waitv_entry {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t reserved;
};
#define F2_SIZE_U32 0x02
#define F2_PRIVATE 128

static long futex_waitv(struct waitv_entry *w, unsigned n, unsigned flags, struct timespec *timeout, int clockid)
{
    return syscall(449, w, n, flags, timeout, clockid);
}

struct waitv_call {
    struct waitv_entry *entries;
    _Atomic pid_t tid;
    _Atomic int done;
    long result;
};

static void *run_waitv(void *arg)
{
    struct waitv_call *c = arg;
    atomic_store(&c->tid, gettid_());
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += 20;
    c->result = futex_waitv(c->entries, 3, 0, &deadline, CLOCK_MONOTONIC);
    atomic_store(&c->done, 1);
    return NULL;
}

static void waitv(void)
{
    static uint32_t words[3];
    struct waitv_entry e[3];
    for (int i = 0; i < 3; i++)
        e[i] = (struct waitv_entry) {0, (uintptr_t)&words[i], F2_SIZE_U32 | F2_PRIVATE, 0};
    struct timespec past = {0, 0};
    CHECK_ERR(futex_waitv(e, 3, 0, &past, CLOCK_MONOTONIC), ETIMEDOUT);
    CHECK_ERR(futex_waitv(e, 3, 1, NULL, CLOCK_MONOTONIC), EINVAL);
    CHECK_ERR(futex_waitv(e, 0, 0, NULL, CLOCK_MONOTONIC), EINVAL);
    CHECK_ERR(futex_waitv(e, 129, 0, NULL, CLOCK_MONOTONIC), EINVAL);
    CHECK_ERR(futex_waitv(e, 3, 0, &past, CLOCK_BOOTTIME), EINVAL);
    CHECK_ERR(futex_waitv(e, 3, 0, BAD_PTR, CLOCK_MONOTONIC), EFAULT);
    CHECK_ERR(futex_waitv(BAD_PTR, 3, 0, NULL, CLOCK_MONOTONIC), EFAULT);
    struct timespec bad = {0, -1};
    CHECK_ERR(futex_waitv(e, 3, 0, &bad, CLOCK_MONOTONIC), EINVAL);
    e[1].flags = F2_PRIVATE; /* 8-bit size: not supported */
    CHECK_ERR(futex_waitv(e, 3, 0, NULL, CLOCK_MONOTONIC), EINVAL);
    e[1].flags = F2_SIZE_U32 | F2_PRIVATE;
    e[1].reserved = 1;
    CHECK_ERR(futex_waitv(e, 3, 0, NULL, CLOCK_MONOTONIC), EINVAL);
    e[1].reserved = 0;
    e[1].val = 1ull << 32;
    CHECK_ERR(futex_waitv(e, 3, 0, NULL, CLOCK_MONOTONIC), EINVAL);
    e[1].val = 0;
    e[1].uaddr += 1;
    CHECK_ERR(futex_waitv(e, 3, 0, NULL, CLOCK_MONOTONIC), EINVAL);
    e[1].uaddr -= 1;
    e[2].val = 7;
    CHECK_ERR(futex_waitv(e, 3, 0, NULL, CLOCK_MONOTONIC), EAGAIN);
    e[2].val = 0;

    struct waitv_call c = {.entries = e};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, run_waitv, &c) == 0);
    double deadline = now_s() + 10;
    while (!atomic_load(&c.tid) && now_s() < deadline)
        usleep(500);
    wait_sleeping(getpid(), atomic_load(&c.tid));
    CHECK(futex(&words[2], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 1);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(c.result == 2);
    /* Nobody is left waiting on the other words. */
    CHECK(futex(&words[0], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0);
    CHECK(futex(&words[1], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0);
}

int main(void)
{
    alarm(120);
    cmp_requeue();
    wake_op();
    clocks();
    pi_basics();
    pi_contention();
    pi_mutexes();
    requeue_pi();
    shared_across_processes();
    waitv();
    puts("futex_ops ok");
    return 0;
}
