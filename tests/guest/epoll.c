// epoll over pipes: create and create1 (size <= 0 and unknown flags EINVAL, EPOLL_CLOEXEC), ctl's
// errors in Linux's order (EFAULT, EBADF, EPERM for a regular file, EINVAL for epfd == fd or a
// non-epoll, EEXIST, ENOENT, EPOLLEXCLUSIVE rules), level- and edge-triggered reports,
// EPOLLONESHOT until MOD, POLLHUP and POLLERR always reported, maxevents limits and EFAULT, a
// timeout that waits, a blocked wait woken by another process's write, EINTR from a signal even
// with SA_RESTART, epoll_pwait's mask, and an entry that goes when the last dup of its file
// closes but not before.
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// The error cases pass bad sizes and pointers on purpose.
#pragma GCC diagnostic ignored "-Wstringop-overflow"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
}

static int wait1(int ep, struct epoll_event *ev, int timeout)
{
    memset(ev, 0, sizeof *ev);
    return epoll_wait(ep, ev, 1, timeout);
}

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }

int main(void)
{
    struct epoll_event ev;
    int p[2], q[2];

    // Creation.
    CHECK_ERR(epoll_create(0), EINVAL);
    CHECK_ERR(epoll_create(-1), EINVAL);
    CHECK_ERR(epoll_create1(1), EINVAL);
    int ep = epoll_create(1);
    CHECK(ep >= 0);
    CHECK((fcntl(ep, F_GETFD) & FD_CLOEXEC) == 0);
    int ep2 = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep2 >= 0 && (fcntl(ep2, F_GETFD) & FD_CLOEXEC));
    char byte;
    CHECK_ERR(read(ep, &byte, 1), EINVAL);
    CHECK_ERR(write(ep, "x", 1), EINVAL);

    CHECK(pipe(p) == 0 && pipe(q) == 0);
    int file = open("/proc/self/exe", O_RDONLY);
    CHECK(file >= 0);

    // epoll_ctl's errors.
    ev.events = EPOLLIN;
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], BAD_PTR), EFAULT);
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], BAD_PTR) == -1 && errno == ENOENT); // DEL reads no event
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
    CHECK_ERR(epoll_ctl(999, EPOLL_CTL_ADD, p[0], &ev), EBADF);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev), EPERM);
    CHECK_ERR(epoll_ctl(p[0], EPOLL_CTL_ADD, q[0], &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, 99, p[0], &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLPRI;
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EINVAL); // only IN/OUT/ERR/HUP/WAKEUP/ET
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev), EINVAL); // not on an epoll
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev) == 0);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev), EINVAL);
    ev.events = EPOLLIN;
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev), EINVAL); // an exclusive entry cannot change
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL) == 0);
    add(ep, p[0], EPOLLIN | EPOLLWAKEUP, 7); // EPOLLWAKEUP is accepted (dropped without the capability)
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);

    // epoll_wait's errors.
    CHECK_ERR(epoll_wait(ep, &ev, 0, 0), EINVAL);
    CHECK_ERR(epoll_wait(ep, &ev, -1, 0), EINVAL);
    CHECK_ERR(epoll_wait(ep, &ev, INT32_MAX / 12 + 1, 0), EINVAL);
    CHECK_ERR(epoll_wait(p[0], &ev, 1, 0), EINVAL);
    CHECK_ERR(epoll_wait(999, &ev, 1, 0), EBADF);
    CHECK_ERR(epoll_wait(ep, (void *)0xffff800000000000ul, 1, 0), EFAULT);
    CHECK(epoll_wait(ep, BAD_PTR, 1, 0) == 0); // nothing ready: the array is not written

    // Level-triggered: reported while readable.
    CHECK(wait1(ep, &ev, 0) == 0);
    double start = now();
    CHECK(wait1(ep, &ev, 50) == 0);
    CHECK(now() - start >= 0.045);
    CHECK(write(p[1], "ab", 2) == 2);
    CHECK_ERR(epoll_wait(ep, BAD_PTR, 1, 0), EFAULT);
    CHECK(wait1(ep, &ev, 0) == 1 && ev.events == EPOLLIN && ev.data.u64 == 7);
    CHECK(wait1(ep, &ev, -1) == 1 && ev.events == EPOLLIN);
    CHECK(read(p[0], &byte, 1) == 1);
    CHECK(wait1(ep, &ev, 0) == 1);
    CHECK(read(p[0], &byte, 1) == 1);
    CHECK(wait1(ep, &ev, 0) == 0);

    // Edge-triggered: once per change.
    struct epoll_event mod = {.events = EPOLLIN | EPOLLET, .data.u64 = 8};
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &mod) == 0);
    CHECK(wait1(ep, &ev, 0) == 0);
    CHECK(write(p[1], "a", 1) == 1);
    CHECK(wait1(ep, &ev, 0) == 1 && ev.events == EPOLLIN && ev.data.u64 == 8);
    CHECK(wait1(ep, &ev, 0) == 0);
    CHECK(write(p[1], "b", 1) == 1);
    CHECK(wait1(ep, &ev, 0) == 1);
    CHECK(wait1(ep, &ev, 0) == 0);
    char buf[8];
    CHECK(read(p[0], buf, sizeof buf) == 2);

    // One-shot: disabled after one report until MOD re-arms it.
    mod.events = EPOLLIN | EPOLLONESHOT;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &mod) == 0);
    CHECK(write(p[1], "a", 1) == 1);
    CHECK(wait1(ep, &ev, 0) == 1);
    CHECK(wait1(ep, &ev, 0) == 0);
    CHECK(write(p[1], "b", 1) == 1);
    CHECK(wait1(ep, &ev, 0) == 0);
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &mod) == 0);
    CHECK(wait1(ep, &ev, 0) == 1 && ev.events == EPOLLIN);
    CHECK(read(p[0], buf, sizeof buf) == 2);
    mod.events = EPOLLIN;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &mod) == 0);

    // Write ends, several events at once, maxevents.
    add(ep, p[1], EPOLLOUT, 9);
    add(ep, q[1], EPOLLOUT, 10);
    struct epoll_event evs[4];
    CHECK(epoll_wait(ep, evs, 4, 0) == 2);
    CHECK(evs[0].events == EPOLLOUT && evs[1].events == EPOLLOUT);
    CHECK(evs[0].data.u64 + evs[1].data.u64 == 19);
    CHECK(epoll_wait(ep, evs, 1, 0) == 1);
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL) == 0);
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, q[1], NULL) == 0);

    // HUP and ERR are reported though not asked for; RDHUP is accepted.
    int r[2];
    CHECK(pipe(r) == 0);
    add(ep2, r[0], EPOLLRDHUP, 11);
    add(ep2, r[1], 0, 12);
    CHECK(epoll_wait(ep2, evs, 4, 0) == 0);
    CHECK(close(r[1]) == 0);
    CHECK(epoll_wait(ep2, evs, 4, 0) == 1 && evs[0].events == EPOLLHUP && evs[0].data.u64 == 11);
    CHECK(close(r[0]) == 0);
    CHECK(epoll_wait(ep2, evs, 4, 0) == 0);
    CHECK(pipe(r) == 0);
    add(ep2, r[1], 0, 13);
    CHECK(close(r[0]) == 0);
    CHECK(epoll_wait(ep2, evs, 4, 0) == 1 && evs[0].events == EPOLLERR && evs[0].data.u64 == 13);
    CHECK(close(r[1]) == 0);

    // An entry stays while a dup of its file is open, and goes with the last one.
    CHECK(pipe(r) == 0);
    add(ep2, r[0], EPOLLIN, 14);
    int dup_fd = dup(r[0]);
    CHECK(close(r[0]) == 0);
    CHECK(write(r[1], "x", 1) == 1);
    CHECK(epoll_wait(ep2, evs, 4, 0) == 1 && evs[0].data.u64 == 14);
    CHECK_ERR(epoll_ctl(ep2, EPOLL_CTL_DEL, r[0], NULL), EBADF);
    CHECK(close(dup_fd) == 0);
    CHECK(epoll_wait(ep2, evs, 4, 0) == 0);
    CHECK(pipe(r) == 0); // the same numbers again: a new file, not watched
    CHECK(write(r[1], "x", 1) == 1);
    CHECK(epoll_wait(ep2, evs, 4, 0) == 0);
    add(ep2, r[0], EPOLLIN, 15);
    CHECK(epoll_wait(ep2, evs, 4, 0) == 1 && evs[0].data.u64 == 15);

    // A blocked wait wakes when another process writes.
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        CHECK(write(q[1], "z", 1) == 1);
        _exit(0);
    }
    add(ep, q[0], EPOLLIN, 16);
    start = now();
    CHECK(wait1(ep, &ev, 10000) == 1 && ev.data.u64 == 16);
    CHECK(now() - start < 5);
    int status;
    CHECK(waitpid(child, &status, 0) == child && status == 0);
    CHECK(read(q[0], buf, sizeof buf) == 1);

    // A signal interrupts the wait: EINTR, even with SA_RESTART.
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = {{0, 0}, {0, 30000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK_ERR(epoll_wait(ep, evs, 4, 5000), EINTR);
    CHECK(got_signal == SIGALRM);

    // epoll_pwait: the mask holds during the wait only; a bad size is EINVAL.
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
    CHECK_ERR(syscall(SYS_epoll_pwait, ep, evs, 4, 0, &old, 4), EINVAL);
    got_signal = 0;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK_ERR(epoll_pwait(ep, evs, 4, 5000, &old), EINTR); // SIGALRM unblocked for the wait
    CHECK(got_signal == SIGALRM);
    got_signal = 0;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK(epoll_pwait(ep, evs, 4, 100, &block) == 0); // blocked: the wait runs out
    CHECK(got_signal == 0);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    CHECK(got_signal == SIGALRM);

    // epoll_pwait2 takes a timespec.
    struct timespec ts = {0, 20000000};
    CHECK(syscall(SYS_epoll_pwait2, ep, evs, 4, &ts, NULL, 8) == 0);
    ts.tv_nsec = 1000000000;
    CHECK_ERR(syscall(SYS_epoll_pwait2, ep, evs, 4, &ts, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_epoll_pwait2, ep, evs, 4, BAD_PTR, NULL, 8), EFAULT);

    puts("epoll ok");
    return 0;
}
