// Raw futex(2), private and not: WAIT/WAKE between threads (wake counts), WAIT with a value
// mismatch (EAGAIN), relative timeout (ETIMEDOUT, and not early), misaligned (EINVAL) and unmapped
// (EFAULT) words, WAIT_BITSET with an absolute CLOCK_MONOTONIC and CLOCK_REALTIME deadline,
// WAKE_BITSET that only wakes matching waiters, bitset 0 (EINVAL), REQUEUE and CMP_REQUEUE (with a
// value mismatch: EAGAIN), a wait interrupted by a signal handler (EINTR), an unknown op (ENOSYS).
#include "check.h"
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long futex(void *uaddr, int op, uint32_t val, const struct timespec *timeout, void *uaddr2,
                  uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static void errors(void)
{
    static uint32_t word = 5;
    struct timespec zero = {0, 0};
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 6, NULL, NULL, 0), EAGAIN);
    CHECK_ERR(futex(&word, FUTEX_WAIT, 6, NULL, NULL, 0), EAGAIN);
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 5, &zero, NULL, 0), ETIMEDOUT);
    CHECK_ERR(futex((char *)&word + 1, FUTEX_WAIT_PRIVATE, 5, NULL, NULL, 0), EINVAL);
    CHECK_ERR(futex((char *)&word + 2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), EINVAL);
    CHECK_ERR(futex(BAD_PTR, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
    char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(gone != MAP_FAILED);
    CHECK(munmap(gone, 4096) == 0);
    CHECK_ERR(futex(gone, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
    CHECK_ERR(futex(gone, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
    /* A wake with nobody waiting wakes nobody, even on an unwritable... mapped word. */
    CHECK(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0);
    CHECK(futex(&word, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0) == 0);
    /* Bad timeouts. */
    struct timespec bad = {0, 1000000000L};
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 5, &bad, NULL, 0), EINVAL);
    struct timespec negative = {-1, 0};
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 5, &negative, NULL, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 5, BAD_PTR, NULL, 0), EFAULT);
    /* Bitset ops need a nonzero bitset. */
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, NULL, 0), EINVAL);
    CHECK_ERR(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0), EINVAL);
    /* CMP_REQUEUE with a stale value. */
    static uint32_t other;
    CHECK_ERR(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &other, 4), EAGAIN);
    CHECK(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &other, 5) == 0);
    /* FUTEX_CLOCK_REALTIME is only for the bitset/absolute forms... and plain WAIT since 4.5:
     * an unknown command is ENOSYS. */
    CHECK_ERR(futex(&word, 99 | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), ENOSYS);
}

static void timeouts(void)
{
    static uint32_t word = 1;
    /* Relative: 50 ms, never early. */
    struct timespec rel = {0, 50 * 1000000L};
    double start = now();
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 1, &rel, NULL, 0), ETIMEDOUT);
    double took = now() - start;
    CHECK(took >= 0.049 && took < 5);

    /* Absolute, CLOCK_MONOTONIC (WAIT_BITSET's default clock). */
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 60 * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &deadline, NULL, FUTEX_BITSET_MATCH_ANY),
              ETIMEDOUT);
    struct timespec after;
    clock_gettime(CLOCK_MONOTONIC, &after);
    CHECK(after.tv_sec > deadline.tv_sec ||
          (after.tv_sec == deadline.tv_sec && after.tv_nsec >= deadline.tv_nsec));
    /* A deadline in the past: at once. */
    start = now();
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &deadline, NULL, FUTEX_BITSET_MATCH_ANY),
              ETIMEDOUT);
    CHECK(now() - start < 0.5);

    /* Absolute, CLOCK_REALTIME. */
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 40 * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &deadline, NULL,
                    FUTEX_BITSET_MATCH_ANY),
              ETIMEDOUT);
    clock_gettime(CLOCK_REALTIME, &after);
    CHECK(after.tv_sec > deadline.tv_sec ||
          (after.tv_sec == deadline.tv_sec && after.tv_nsec >= deadline.tv_nsec));
}

/* ---- waiters ---- */

struct waiter {
    uint32_t *word;
    uint32_t expect;
    int op;
    uint32_t bitset;
    long result;
    int err;
    atomic_int woken;
};

static atomic_int waiting_count;

static void *wait_thread(void *arg)
{
    struct waiter *w = arg;
    atomic_fetch_add(&waiting_count, 1);
    errno = 0;
    w->result = futex(w->word, w->op, w->expect, NULL, NULL, w->bitset);
    w->err = errno;
    atomic_store(&w->woken, 1);
    return NULL;
}

/* Starts n waiters and gives them time to block (they are blocked for good: nobody changes the
 * word). */
static void start_waiters(pthread_t *t, struct waiter *w, int n)
{
    atomic_store(&waiting_count, 0);
    for (int i = 0; i < n; i++)
        CHECK(pthread_create(&t[i], NULL, wait_thread, &w[i]) == 0);
    while (atomic_load(&waiting_count) < n)
        sleep_ms(1);
    sleep_ms(100);
}

static int count_woken(struct waiter *w, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += atomic_load(&w[i].woken);
    return c;
}

static int wait_woken(struct waiter *w, int n, int want)
{
    for (int i = 0; i < 500 && count_woken(w, n) < want; i++)
        sleep_ms(2);
    sleep_ms(30); /* and no more than that */
    return count_woken(w, n);
}

static void wake_counts(int private_flag)
{
    static uint32_t word;
    word = 0;
    enum { W = 4 };
    pthread_t t[W];
    struct waiter w[W];
    memset(w, 0, sizeof w);
    for (int i = 0; i < W; i++) {
        w[i].word = &word;
        w[i].expect = 0;
        w[i].op = FUTEX_WAIT | private_flag;
    }
    start_waiters(t, w, W);
    CHECK(count_woken(w, W) == 0);
    CHECK(futex(&word, FUTEX_WAKE | private_flag, 1, NULL, NULL, 0) == 1);
    CHECK(wait_woken(w, W, 1) == 1);
    CHECK(futex(&word, FUTEX_WAKE | private_flag, 2, NULL, NULL, 0) == 2);
    CHECK(wait_woken(w, W, 3) == 3);
    CHECK(futex(&word, FUTEX_WAKE | private_flag, INT32_MAX, NULL, NULL, 0) == 1);
    CHECK(wait_woken(w, W, 4) == 4);
    CHECK(futex(&word, FUTEX_WAKE | private_flag, INT32_MAX, NULL, NULL, 0) == 0);
    for (int i = 0; i < W; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        CHECK(w[i].result == 0);
    }
}

static void bitsets(void)
{
    static uint32_t word;
    word = 0;
    pthread_t t[3];
    struct waiter w[3];
    memset(w, 0, sizeof w);
    uint32_t masks[3] = {0x1, 0x2, 0x3};
    for (int i = 0; i < 3; i++) {
        w[i].word = &word;
        w[i].op = FUTEX_WAIT_BITSET_PRIVATE;
        w[i].bitset = masks[i];
    }
    start_waiters(t, w, 3);
    /* Bit 2 matches nobody. */
    CHECK(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT32_MAX, NULL, NULL, 0x4) == 0);
    /* Bit 0 matches waiters 0 and 2. */
    CHECK(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT32_MAX, NULL, NULL, 0x1) == 2);
    CHECK(wait_woken(w, 3, 2) == 2);
    CHECK(atomic_load(&w[0].woken) && !atomic_load(&w[1].woken) && atomic_load(&w[2].woken));
    /* A plain WAKE matches any bitset. */
    CHECK(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 1);
    CHECK(wait_woken(w, 3, 3) == 3);
    for (int i = 0; i < 3; i++)
        CHECK(pthread_join(t[i], NULL) == 0 && w[i].result == 0);
}

static void requeue(void)
{
    static uint32_t from, to;
    from = 7;
    to = 0;
    enum { W = 5 };
    pthread_t t[W];
    struct waiter w[W];
    memset(w, 0, sizeof w);
    for (int i = 0; i < W; i++) {
        w[i].word = &from;
        w[i].expect = 7;
        w[i].op = FUTEX_WAIT_PRIVATE;
    }
    start_waiters(t, w, W);
    /* Stale value: nothing happens. */
    CHECK_ERR(futex(&from, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &to, 8), EAGAIN);
    CHECK(wait_woken(w, W, 0) == 0);
    /* Wake 1, move 2: returns woken + requeued. */
    CHECK(futex(&from, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &to, 7) == 3);
    CHECK(wait_woken(w, W, 1) == 1);
    /* 2 wait on `to` now, 2 still on `from`. */
    CHECK(futex(&to, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0) == 2);
    CHECK(wait_woken(w, W, 3) == 3);
    /* Plain REQUEUE (no compare): wake none, move all. */
    CHECK(futex(&from, FUTEX_REQUEUE_PRIVATE, 0, (void *)INT32_MAX, &to, 0) == 2);
    CHECK(futex(&from, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0) == 0);
    CHECK(futex(&to, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0) == 2);
    CHECK(wait_woken(w, W, W) == W);
    for (int i = 0; i < W; i++)
        CHECK(pthread_join(t[i], NULL) == 0 && w[i].result == 0);
}

/* A real handoff: a ping-pong between two threads through one word. */
static uint32_t turn;

static void *ponger(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 1)
            futex(&turn, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
        __atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
        futex(&turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
    return NULL;
}

static void ping_pong(void)
{
    pthread_t t;
    turn = 0;
    CHECK(pthread_create(&t, NULL, ponger, NULL) == 0);
    for (int i = 0; i < 1000; i++) {
        __atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
        futex(&turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 0)
            futex(&turn, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
    }
    CHECK(pthread_join(t, NULL) == 0);
}

static void on_alarm(int sig) { (void)sig; }

static void *late_waker(void *arg)
{
    sleep_ms(200);
    /* The value stays 0: the waiter must have been woken, not have seen a change. */
    while (futex(arg, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0)
        sleep_ms(1);
    return NULL;
}

static void interrupted(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = 0; /* (with SA_RESTART an untimed FUTEX_WAIT would be restarted) */
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    static uint32_t word = 0;
    struct itimerval_ {
        struct timeval interval, value;
    } it = {{0, 50000}, {0, 50000}}, off = {{0, 0}, {0, 0}};
    /* A repeating timer: on a loaded machine the first SIGALRM may come before the wait starts. */
    CHECK(syscall(SYS_setitimer, 0, &it, NULL) == 0);
    CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EINTR);
    CHECK(syscall(SYS_setitimer, 0, &off, NULL) == 0);

    /* With SA_RESTART the wait is restarted, and a later wake ends it normally. */
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, late_waker, &word) == 0);
    CHECK(syscall(SYS_setitimer, 0, &it, NULL) == 0);
    double start = now();
    CHECK(futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) == 0);
    CHECK(syscall(SYS_setitimer, 0, &off, NULL) == 0);
    CHECK(now() - start >= 0.15);
    CHECK(pthread_join(t, NULL) == 0);
    signal(SIGALRM, SIG_DFL);
}

int main(void)
{
    errors();
    timeouts();
    wake_counts(FUTEX_PRIVATE_FLAG);
    wake_counts(0);
    bitsets();
    requeue();
    ping_pong();
    interrupted();
    printf("futex: ok\n");
    return 0;
}
