// timerfd_create, timerfd_settime, timerfd_gettime: clocks (unknown EINVAL, *_ALARM EPERM
// without CAP_WAKE_ALARM), flags, a one-shot timer read blocks until it expires and returns 1,
// a periodic one counts the expirations since the last read, TFD_TIMER_ABSTIME on both clock
// kinds, TFD_TIMER_CANCEL_ON_SET accepted, gettime shows the time left and the interval,
// disarming, EINVAL for a bad time, a short read, a non-timerfd; EAGAIN when non-blocking, and
// epoll hears expirations.
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct itimerspec spec(long value_ns, long interval_ns)
{
    struct itimerspec s = {{interval_ns / 1000000000, interval_ns % 1000000000}, {value_ns / 1000000000, value_ns % 1000000000}};
    return s;
}

int main(void)
{
    CHECK_ERR(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
    CHECK_ERR(timerfd_create(99, 0), EINVAL);
    CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 1), EINVAL);
    if (geteuid() != 0) {
        CHECK_ERR(timerfd_create(CLOCK_REALTIME_ALARM, 0), EPERM);
        CHECK_ERR(timerfd_create(CLOCK_BOOTTIME_ALARM, 0), EPERM);
    }
    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    CHECK(tfd >= 0 && (fcntl(tfd, F_GETFD) & FD_CLOEXEC) == 0);
    int nb = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK(nb >= 0 && (fcntl(nb, F_GETFD) & FD_CLOEXEC) && (fcntl(nb, F_GETFL) & O_NONBLOCK));
    int rt = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    CHECK(rt >= 0);

    // Errors.
    struct itimerspec s = spec(0, 0), old;
    CHECK_ERR(timerfd_settime(tfd, 4, &s, NULL), EINVAL);
    s.it_value.tv_nsec = 1000000000;
    CHECK_ERR(timerfd_settime(tfd, 0, &s, NULL), EINVAL);
    s = spec(0, 0);
    s.it_interval.tv_sec = -1;
    CHECK_ERR(timerfd_settime(tfd, 0, &s, NULL), EINVAL);
    s = spec(0, 0);
    CHECK_ERR(timerfd_settime(tfd, 0, BAD_PTR, NULL), EFAULT);
    CHECK_ERR(timerfd_settime(999, 0, &s, NULL), EBADF);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(timerfd_settime(p[0], 0, &s, NULL), EINVAL);
    CHECK_ERR(timerfd_gettime(p[0], &old), EINVAL);
    CHECK_ERR(timerfd_gettime(tfd, BAD_PTR), EFAULT);
    uint64_t ticks;
    char small[7];
    CHECK_ERR(read(tfd, small, sizeof small), EINVAL);
    CHECK_ERR(read(nb, &ticks, 8), EAGAIN); // disarmed
    CHECK_ERR(write(tfd, &ticks, 8), EINVAL);

    // A disarmed timer shows zeros.
    CHECK(timerfd_gettime(tfd, &old) == 0);
    CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0 && old.it_interval.tv_nsec == 0);

    // One-shot: the read blocks until it expires.
    s = spec(50000000, 0);
    double start = now();
    CHECK(timerfd_settime(tfd, 0, &s, &old) == 0);
    CHECK(timerfd_gettime(tfd, &old) == 0);
    CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_nsec > 0 && old.it_value.tv_nsec <= 50000000);
    struct pollfd pfd = {tfd, POLLIN, 0};
    CHECK(poll(&pfd, 1, 0) == 0);
    CHECK(read(tfd, &ticks, 8) == 8 && ticks == 1);
    CHECK(now() - start >= 0.045);
    CHECK(timerfd_gettime(tfd, &old) == 0 && old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0);
    CHECK(poll(&pfd, 1, 0) == 0);

    // Periodic: expirations since the last read are counted.
    s = spec(10000000, 10000000);
    CHECK(timerfd_settime(nb, 0, &s, NULL) == 0);
    usleep(55000);
    CHECK(read(nb, &ticks, 8) == 8 && ticks >= 4 && ticks < 100);
    CHECK(timerfd_gettime(nb, &old) == 0 && old.it_interval.tv_nsec == 10000000 && old.it_value.tv_nsec <= 10000000);
    s = spec(0, 0);
    CHECK(timerfd_settime(nb, 0, &s, &old) == 0); // disarm, and the old setting comes back
    CHECK(old.it_interval.tv_nsec == 10000000);
    CHECK_ERR(read(nb, &ticks, 8), EAGAIN);

    // Absolute times, on the monotonic and the real-time clock.
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    s = spec(0, 0);
    s.it_value = t; // already past: expired at once
    CHECK(timerfd_settime(tfd, TFD_TIMER_ABSTIME, &s, NULL) == 0);
    CHECK(read(tfd, &ticks, 8) == 8 && ticks == 1);
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += 30000000;
    if (t.tv_nsec >= 1000000000) {
        t.tv_nsec -= 1000000000;
        t.tv_sec++;
    }
    s.it_value = t;
    CHECK(timerfd_settime(rt, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &s, NULL) == 0);
    CHECK_ERR(read(rt, &ticks, 8), EAGAIN);
    pfd.fd = rt;
    CHECK(poll(&pfd, 1, 5000) == 1 && pfd.revents == POLLIN);
    CHECK(read(rt, &ticks, 8) == 8 && ticks == 1);

    // epoll hears an expiry; a new setting clears what was pending.
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 3}, out;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) == 0);
    s = spec(20000000, 0);
    CHECK(timerfd_settime(tfd, 0, &s, NULL) == 0);
    CHECK(epoll_wait(ep, &out, 1, 0) == 0);
    CHECK(epoll_wait(ep, &out, 1, 5000) == 1 && out.events == EPOLLIN && out.data.u64 == 3);
    s = spec(1000000000, 0);
    CHECK(timerfd_settime(tfd, 0, &s, NULL) == 0);
    pfd.fd = tfd;
    CHECK(poll(&pfd, 1, 0) == 0);

    puts("timerfd ok");
    return 0;
}
