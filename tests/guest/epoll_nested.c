// epoll of epolls: an inner epoll is readable (to poll and to an outer epoll) while one of its
// files is, and wakes a blocked outer wait; loops are ELOOP, and so is a chain deeper than
// Linux's EPOLL_MAX_NESTS, whichever end it grows from; closing an inner epoll removes it from
// the outer one; a poll() on an epoll fd blocks until an entry is ready.
#include "check.h"
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/// The longest chain of epolls (each watching the next) that ctl accepts, built from the top
/// (adding a new inner one below the last) or from the bottom (a new outer one above).
static int longest_chain(int from_top)
{
    int eps[16];
    int n = 1;
    eps[0] = epoll_create1(0);
    for (; n < 16; ++n) {
        eps[n] = epoll_create1(0);
        int r = from_top ? add(eps[n - 1], eps[n], EPOLLIN, 0) : add(eps[n], eps[n - 1], EPOLLIN, 0);
        if (r != 0) {
            CHECK(errno == ELOOP);
            break;
        }
    }
    for (int i = 0; i <= n && i < 16; ++i)
        close(eps[i]);
    return n;
}

int main(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    int inner = epoll_create1(0);
    int outer = epoll_create1(0);
    CHECK(add(inner, p[0], EPOLLIN, 1) == 0);
    CHECK(add(outer, inner, EPOLLIN, 2) == 0);
    CHECK(add(inner, outer, EPOLLIN, 3) == -1 && errno == ELOOP);

    struct epoll_event ev[4];
    struct pollfd pfd = {inner, POLLIN, 0};
    CHECK(poll(&pfd, 1, 0) == 0);
    CHECK(epoll_wait(outer, ev, 4, 0) == 0);
    CHECK(write(p[1], "x", 1) == 1);
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);
    CHECK(epoll_wait(outer, ev, 4, 0) == 1 && ev[0].events == EPOLLIN && ev[0].data.u64 == 2);
    CHECK(epoll_wait(inner, ev, 4, 0) == 1 && ev[0].data.u64 == 1);
    char byte;
    CHECK(read(p[0], &byte, 1) == 1);
    CHECK(epoll_wait(outer, ev, 4, 0) == 0);
    CHECK(poll(&pfd, 1, 0) == 0);

    // A blocked outer wait (and a blocked poll of the inner epoll) wake on a write far below.
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        CHECK(write(p[1], "y", 1) == 1);
        usleep(50000);
        CHECK(write(p[1], "z", 1) == 1);
        _exit(0);
    }
    CHECK(epoll_wait(outer, ev, 4, 10000) == 1 && ev[0].data.u64 == 2);
    CHECK(read(p[0], &byte, 1) == 1);
    CHECK(poll(&pfd, 1, 10000) == 1 && pfd.revents == POLLIN);
    int status;
    CHECK(waitpid(child, &status, 0) == child && status == 0);
    CHECK(read(p[0], &byte, 1) == 1);

    // Loops through a middle instance.
    int middle = epoll_create1(0);
    CHECK(add(middle, outer, EPOLLIN, 4) == 0);
    CHECK(add(inner, middle, EPOLLIN, 5) == -1 && errno == ELOOP);

    // Closing the inner epoll takes its entry out of the outer one.
    CHECK(close(inner) == 0);
    CHECK(write(p[1], "x", 1) == 1);
    CHECK(epoll_wait(outer, ev, 4, 0) == 0);

    // EPOLL_MAX_NESTS (4) nested levels below the top: a chain of five instances at most.
    CHECK(longest_chain(1) == 5);
    CHECK(longest_chain(0) == 5);

    puts("epoll_nested ok");
    return 0;
}
