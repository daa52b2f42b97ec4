// eventfd and eventfd2: flags (unknown ones EINVAL, EFD_CLOEXEC, EFD_NONBLOCK), the counter
// (reads take all of it, or one in EFD_SEMAPHORE mode), reads of fewer than 8 bytes and a write
// of 0xffffffffffffffff are EINVAL, a full counter makes a write wait (EAGAIN when
// non-blocking) until a read, an empty one makes a read wait until another process writes,
// poll bits follow the counter, and epoll hears every change (edge-triggered too).
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// The error cases pass bad pointers on purpose.
#pragma GCC diagnostic ignored "-Wstringop-overread"

static short revents(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    CHECK(poll(&p, 1, 0) >= 0);
    return p.revents;
}

int main(void)
{
    uint64_t v;
    CHECK_ERR(eventfd(0, 0x10), EINVAL);
    int fd = eventfd(3, 0);
    CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK) == 0);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    CHECK(syscall(SYS_eventfd, 0) >= 0); // the old call without flags

    // Sizes and values.
    char small[7];
    CHECK_ERR(read(fd, small, sizeof small), EINVAL);
    CHECK_ERR(write(fd, small, sizeof small), EINVAL);
    v = UINT64_MAX;
    CHECK_ERR(write(fd, &v, 8), EINVAL);
    CHECK_ERR(write(fd, BAD_PTR, 8), EFAULT);
    char big[16];
    CHECK(read(fd, big, sizeof big) == 8);
    memcpy(&v, big, 8);
    CHECK(v == 3);
    CHECK(revents(fd) == POLLOUT);

    // Non-blocking: an empty counter is EAGAIN, a full one too.
    int nb = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    CHECK(nb >= 0 && (fcntl(nb, F_GETFD) & FD_CLOEXEC) && (fcntl(nb, F_GETFL) & O_NONBLOCK));
    CHECK_ERR(read(nb, &v, 8), EAGAIN);
    v = UINT64_MAX - 1;
    CHECK(write(nb, &v, 8) == 8);
    CHECK(revents(nb) == POLLIN);
    v = 1;
    CHECK_ERR(write(nb, &v, 8), EAGAIN);
    v = 0;
    CHECK(write(nb, &v, 8) == 8); // adding nothing always fits
    CHECK(read(nb, &v, 8) == 8 && v == UINT64_MAX - 1);
    CHECK(revents(nb) == POLLOUT);

    // Semaphore mode: one at a time.
    int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    CHECK(read(sem, &v, 8) == 8 && v == 1);
    CHECK(read(sem, &v, 8) == 8 && v == 1);
    CHECK_ERR(read(sem, &v, 8), EAGAIN);

    // Blocking read woken by another process; blocking write woken by a read.
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        uint64_t one = 5;
        CHECK(write(fd, &one, 8) == 8);
        usleep(50000);
        CHECK(read(fd, &one, 8) == 8 && one == UINT64_MAX - 1);
        _exit(0);
    }
    CHECK(read(fd, &v, 8) == 8 && v == 5);
    v = UINT64_MAX - 1;
    CHECK(write(fd, &v, 8) == 8);
    v = 7;
    CHECK(write(fd, &v, 8) == 8); // waits for the child's read
    int status;
    CHECK(waitpid(child, &status, 0) == child && status == 0);
    CHECK(read(fd, &v, 8) == 8 && v == 7);

    // epoll, level and edge triggered.
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 1};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, nb, &ev) == 0);
    struct epoll_event out[2];
    CHECK(epoll_wait(ep, out, 2, 0) == 0);
    v = 1;
    CHECK(write(nb, &v, 8) == 8);
    CHECK(epoll_wait(ep, out, 2, 0) == 1 && out[0].events == EPOLLIN);
    CHECK(epoll_wait(ep, out, 2, 0) == 0);
    CHECK(write(nb, &v, 8) == 8); // each write is an edge
    CHECK(epoll_wait(ep, out, 2, 0) == 1);
    ev.events = EPOLLOUT;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
    CHECK(epoll_wait(ep, out, 2, 0) == 1 && out[0].events == EPOLLOUT);

    puts("eventfd ok");
    return 0;
}
