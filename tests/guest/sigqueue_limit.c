// RLIMIT_SIGPENDING bounds the signals queued for a user: with the limit at 100, a blocked
// real-time signal queues 100 times, the next sigqueue gets EAGAIN, a standard signal still
// becomes pending (its siginfo is what gets lost), and draining the queue with sigtimedwait
// gives the values back in order and makes room again.
#include "check.h"

#include <signal.h>
#include <sys/resource.h>
#include <time.h>

int main(void)
{
    struct rlimit limit = {100, 100};
    CHECK(setrlimit(RLIMIT_SIGPENDING, &limit) == 0);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);

    int queued = 0;
    for (;; queued++) {
        union sigval value = {.sival_int = queued};
        if (sigqueue(getpid(), SIGRTMIN, value) != 0) {
            CHECK(errno == EAGAIN);
            break;
        }
        CHECK(queued < 1000);
    }
    CHECK(queued == 100);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    sigset_t pending;
    CHECK(sigpending(&pending) == 0);
    CHECK(sigismember(&pending, SIGUSR1) && sigismember(&pending, SIGRTMIN));

    struct timespec none = {0, 0};
    siginfo_t info;
    CHECK(sigtimedwait(&set, &info, &none) == SIGUSR1); /* the lowest number first */
    for (int i = 0; i < queued; i++) {
        CHECK(sigtimedwait(&set, &info, &none) == SIGRTMIN);
        CHECK(info.si_code == SI_QUEUE && info.si_value.sival_int == i);
    }
    CHECK(sigtimedwait(&set, &info, &none) == -1 && errno == EAGAIN);
    union sigval value = {.sival_int = 7};
    CHECK(sigqueue(getpid(), SIGRTMIN, value) == 0); /* room again */
    printf("sigqueue_limit: ok\n");
    return 0;
}
