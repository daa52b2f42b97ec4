/* A child's end both ends its parent's wait and sends SIGCHLD: wait returns the child (as
 * Linux's do_wait looks at the children before it lets a signal interrupt the call), and the
 * SIGCHLD handler runs afterwards, even without SA_RESTART. */
#include "check.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t sigchld_count = 0;

static void on_sigchld(int sig)
{
    (void)sig;
    ++sigchld_count;
}

int main(void)
{
    alarm(60);
    struct sigaction action = {0};
    action.sa_handler = on_sigchld; /* no SA_RESTART: an interrupted wait would fail with EINTR */
    CHECK(sigaction(SIGCHLD, &action, NULL) == 0);
    for (int round = 0; round < 3; ++round) {
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            /* Long enough for the parent to be asleep in its wait when the child ends. */
            struct timespec pause_time = {0, 50 * 1000 * 1000};
            nanosleep(&pause_time, NULL);
            _exit(4);
        }
        int status = 0;
        CHECK(waitpid(child, &status, 0) == child);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 4);
        CHECK(sigchld_count == round + 1);
    }
    printf("wait_child_before_signal: ok\n");
    return 0;
}
