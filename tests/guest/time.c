// Clocks and sleeps: monotonic never goes back, realtime agrees with gettimeofday, sleeps
// really sleep, and bad arguments give EINVAL/EFAULT.
#include "check.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Raw syscalls: natively glibc would answer from the vDSO without asking the kernel. */
static long long now_ns(clockid_t clk)
{
    struct timespec ts;
    CHECK(syscall(SYS_clock_gettime, clk, &ts) == 0);
    CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    /* Monotonic is non-decreasing, over many reads. */
    long long prev = now_ns(CLOCK_MONOTONIC);
    for (int i = 0; i < 2000; i++) {
        long long t = now_ns(CLOCK_MONOTONIC);
        CHECK(t >= prev);
        prev = t;
    }
    CHECK(now_ns(CLOCK_MONOTONIC_RAW) > 0);
    CHECK(now_ns(CLOCK_BOOTTIME) >= 0);
    CHECK(now_ns(CLOCK_MONOTONIC_COARSE) >= 0);

    /* Realtime: after 2020, and within 0.5 s of gettimeofday. */
    long long rt = now_ns(CLOCK_REALTIME);
    CHECK(rt > 1577836800LL * 1000000000LL);
    struct timeval tv;
    CHECK(syscall(SYS_gettimeofday, &tv, NULL) == 0);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    long long tod = tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
    CHECK(tod - rt > -500000000LL && tod - rt < 500000000LL);
    CHECK(llabs(now_ns(CLOCK_REALTIME_COARSE) - rt) < 500000000LL);
    CHECK(syscall(SYS_gettimeofday, NULL, NULL) == 0);
    struct timespec g;
    CHECK(clock_gettime(CLOCK_REALTIME, &g) == 0); /* the glibc way */
    CHECK(llabs(g.tv_sec - rt / 1000000000LL) <= 1);

    /* nanosleep 50 ms takes at least 50 ms and well under a second. */
    struct timespec req = {0, 50 * 1000000L}, rem = {7, 7};
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK(syscall(SYS_nanosleep, &req, &rem) == 0);
    long long slept = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK(slept >= 50000000LL);
    CHECK(slept < 1000000000LL);
    /* clock_nanosleep, relative and absolute. */
    t0 = now_ns(CLOCK_MONOTONIC);
    req.tv_nsec = 20 * 1000000L;
    CHECK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL) == 0);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 20000000LL);
    long long until = now_ns(CLOCK_MONOTONIC) + 30000000LL;
    struct timespec abs_ts = {until / 1000000000LL, until % 1000000000LL};
    CHECK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &abs_ts, NULL) == 0);
    CHECK(now_ns(CLOCK_MONOTONIC) >= until);
    /* An absolute time in the past returns at once. */
    abs_ts.tv_sec = 0;
    abs_ts.tv_nsec = 1;
    CHECK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &abs_ts, NULL) == 0);
    /* Sleeping zero is fine; so is glibc's usleep. */
    req.tv_sec = 0;
    req.tv_nsec = 0;
    CHECK(syscall(SYS_nanosleep, &req, NULL) == 0);
    t0 = now_ns(CLOCK_MONOTONIC);
    CHECK(usleep(10000) == 0);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 10000000LL);

    /* Errors. */
    struct timespec ts;
    CHECK_ERR(syscall(SYS_clock_gettime, 100, &ts), EINVAL);
    CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD_PTR), EFAULT);
    CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_REALTIME, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_gettimeofday, BAD_PTR, NULL), EFAULT);
    struct timespec bad = {0, 1000000000L};
    CHECK_ERR(syscall(SYS_nanosleep, &bad, NULL), EINVAL);
    bad.tv_nsec = -1;
    CHECK_ERR(syscall(SYS_nanosleep, &bad, NULL), EINVAL);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    CHECK_ERR(syscall(SYS_nanosleep, &bad, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_nanosleep, BAD_PTR, NULL), EFAULT);
    bad.tv_sec = 0;
    bad.tv_nsec = 1000000000L;
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
    req.tv_nsec = 1000;
    CHECK_ERR(syscall(SYS_clock_nanosleep, 100, 0, &req, NULL), EINVAL);

    printf("time: ok, nanosleep(50 ms) took %.1f ms\n", slept / 1e6);
    return 0;
}
