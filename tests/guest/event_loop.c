// An event loop as servers write them: one epoll over a pipe fed by a child process, a
// periodic timerfd, a signalfd for SIGUSR1 and SIGTERM, and an eventfd that a second child
// bumps. Each event is printed as it is handled; the order is fixed by the children's pauses
// (150 ms apart or more, far more than a wake-up takes), so the output is the same natively and
// under asterix, and tests/e2e/event_loops.sh compares the two.
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

enum { pipe_tag = 1, timer_tag, signal_tag, event_tag };

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

    int p[2];
    CHECK(pipe(p) == 0);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK);
    int efd = eventfd(0, EFD_NONBLOCK);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    CHECK(sfd >= 0 && efd >= 0 && tfd >= 0);
    pid_t parent = getpid();

    // The first child writes two messages, signals, then closes the pipe.
    pid_t writer = fork();
    if (writer == 0) {
        close(p[0]);
        usleep(150000);
        CHECK(write(p[1], "hello", 5) == 5);
        usleep(150000);
        CHECK(write(p[1], "world", 5) == 5);
        usleep(150000);
        kill(parent, SIGUSR1);
        usleep(150000);
        _exit(0); // closing the write end: the loop sees a hang-up
    }
    close(p[1]);
    // The second child adds 2 to the eventfd, then asks the loop to stop.
    pid_t bumper = fork();
    if (bumper == 0) {
        usleep(750000);
        uint64_t two = 2;
        CHECK(write(efd, &two, 8) == 8);
        usleep(150000);
        kill(parent, SIGTERM);
        _exit(0);
    }

    int ep = epoll_create1(EPOLL_CLOEXEC);
    add(ep, p[0], EPOLLIN, pipe_tag);
    add(ep, tfd, EPOLLIN, timer_tag);
    add(ep, sfd, EPOLLIN, signal_tag);
    add(ep, efd, EPOLLIN | EPOLLET, event_tag);
    // A timer that fires once, between the writer's signal and its exit.
    struct itimerspec spec = {{0, 0}, {0, 525000000}};
    CHECK(timerfd_settime(tfd, 0, &spec, NULL) == 0);

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
                break;
            }
            case timer_tag:
                CHECK(read(tfd, &count, 8) == 8);
                printf("timer: %llu expiration\n", (unsigned long long)count);
                break;
            case signal_tag:
                CHECK(read(sfd, &info, sizeof info) == sizeof info);
                printf("signal: %s\n", info.ssi_signo == SIGUSR1 ? "SIGUSR1" : info.ssi_signo == SIGTERM ? "SIGTERM" : "other");
                if (info.ssi_signo == SIGTERM)
                    running = 0;
                break;
            case event_tag:
                CHECK(read(efd, &count, 8) == 8);
                printf("eventfd: %llu\n", (unsigned long long)count);
                break;
            }
        }
    }
    int status;
    CHECK(waitpid(writer, &status, 0) == writer && status == 0);
    CHECK(waitpid(bumper, &status, 0) == bumper && status == 0);
    printf("done\n");
    return 0;
}
