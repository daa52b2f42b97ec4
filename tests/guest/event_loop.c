// An event loop as servers write them: one epoll over a pipe fed by a child process, a
// one-shot timerfd, a signalfd for SIGUSR1 and SIGTERM, and an eventfd that the child bumps.
// Each event is printed as it is handled. The order is fixed by cause, not by pauses: the child
// takes its next step only after the loop acknowledges the last event through a second pipe,
// and the loop arms the timer when SIGUSR1 arrives, so the output is the same natively and
// under asterix however loaded the machine is; tests/e2e/event_loops.sh compares the two.
#include "check.h"
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

enum { pipe_tag = 1, timer_tag, signal_tag, event_tag };

/// The child's side of the acknowledgements: waits (at most 10 s) for the loop's byte.
static void await_ack(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    char byte;
    CHECK(poll(&pfd, 1, 10000) == 1);
    CHECK(read(fd, &byte, 1) == 1);
}

static void add(int ep, int fd, uint32_t events, uint64_t tag)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGTERM);
    CHECK(sigprocmask(SIG_BLOCK, &mask, NULL) == 0);

    int p[2], ack[2];
    CHECK(pipe(p) == 0 && pipe(ack) == 0);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK);
    int efd = eventfd(0, EFD_NONBLOCK);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    CHECK(sfd >= 0 && efd >= 0 && tfd >= 0);
    pid_t parent = getpid();

    // The child writes two messages, signals, closes the pipe, adds 2 to the eventfd and asks
    // the loop to stop, each step after the loop has handled the one before.
    pid_t child = fork();
    if (child == 0) {
        close(p[0]);
        close(ack[1]);
        CHECK(write(p[1], "hello", 5) == 5);
        await_ack(ack[0]);
        CHECK(write(p[1], "world", 5) == 5);
        await_ack(ack[0]);
        kill(parent, SIGUSR1);
        await_ack(ack[0]); // the timer that SIGUSR1 armed has fired
        close(p[1]);       // the loop sees a hang-up
        await_ack(ack[0]);
        uint64_t two = 2;
        CHECK(write(efd, &two, 8) == 8);
        await_ack(ack[0]);
        kill(parent, SIGTERM);
        _exit(0);
    }
    close(p[1]);
    close(ack[0]);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    add(ep, p[0], EPOLLIN, pipe_tag);
    add(ep, tfd, EPOLLIN, timer_tag);
    add(ep, sfd, EPOLLIN, signal_tag);
    add(ep, efd, EPOLLIN | EPOLLET, event_tag);

    int running = 1;
    while (running) {
        struct epoll_event events[8];
        int n = epoll_wait(ep, events, 8, 10000);
        CHECK(n > 0);
        for (int i = 0; i < n; ++i) {
            char buf[64];
            uint64_t count;
            struct signalfd_siginfo info;
            switch (events[i].data.u64) {
            case pipe_tag: {
                ssize_t got = read(p[0], buf, sizeof buf);
                CHECK(got >= 0);
                if (got == 0) {
                    printf("pipe: end\n");
                    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
                } else {
                    printf("pipe: %.*s\n", (int)got, buf);
                }
                CHECK(write(ack[1], "a", 1) == 1);
                break;
            }
            case timer_tag:
                CHECK(read(tfd, &count, 8) == 8);
                printf("timer: %llu expiration\n", (unsigned long long)count);
                CHECK(write(ack[1], "a", 1) == 1);
                break;
            case signal_tag:
                CHECK(read(sfd, &info, sizeof info) == sizeof info);
                printf("signal: %s\n", info.ssi_signo == SIGUSR1 ? "SIGUSR1" : info.ssi_signo == SIGTERM ? "SIGTERM" : "other");
                if (info.ssi_signo == SIGTERM) {
                    running = 0;
                } else {
                    // A timer that fires once, acknowledged when it does.
                    struct itimerspec spec = {{0, 0}, {0, 50000000}};
                    CHECK(timerfd_settime(tfd, 0, &spec, NULL) == 0);
                }
                break;
            case event_tag:
                CHECK(read(efd, &count, 8) == 8);
                printf("eventfd: %llu\n", (unsigned long long)count);
                CHECK(write(ack[1], "a", 1) == 1);
                break;
            }
        }
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && status == 0);
    printf("done\n");
    return 0;
}
