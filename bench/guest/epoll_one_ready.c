// epoll_one_ready [N]: 1,000 eventfds in one epoll instance, one of them readable; times N
// level-triggered epoll_wait calls, each finding the one; prints
// "RESULT epoll_one_ready ns_per_op=X" per call.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

int main(int argc, char **argv)
{
    enum { fds = 1000 };
    long n = argc > 1 ? atol(argv[1]) : 10000;
    struct rlimit limit = {fds + 64, fds + 64};
    if (n <= 0 || setrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 2;
    int epfd = epoll_create1(0);
    int ready = -1;
    for (int i = 0; i < fds; i++) {
        int fd = eventfd(0, 0);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (fd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
            return 1;
        if (i == fds / 2)
            ready = fd;
    }
    uint64_t one = 1;
    if (write(ready, &one, sizeof one) != sizeof one)
        return 1;
    struct epoll_event out[8];
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if (epoll_wait(epfd, out, 8, 0) != 1 || out[0].data.u32 != fds / 2)
            return 1;
    }
    double t1 = now_ns();
    printf("RESULT epoll_one_ready ns_per_op=%.1f n=%ld\n", (t1 - t0) / n, n);
    return 0;
}
