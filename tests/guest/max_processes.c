// --max-processes bounds the guest processes of the instance (each is an address space, which
// costs a host process): a fork bomb gets EAGAIN once the bound is reached, nothing is left
// behind by the failed forks, and killing the bomb makes room again. Threads are not
// processes: a thread can still be made at the bound. Natively there is no such bound.
// The option below belongs to the hosted command line:
// bare-metal: skip
// asterix-args: --max-processes 12
// native: skip
#include "check.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_PROCESSES = 12, CAP = 64 };

static void *nothing(void *arg) { return arg; }

int main(void)
{
    /* Children that wait on a pipe until EAGAIN: with us, MAX_PROCESSES in all. */
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t kids[CAP];
    int n = 0;
    for (;;) {
        CHECK(n < CAP);
        pid_t pid = fork();
        if (pid < 0) {
            CHECK(errno == EAGAIN);
            break;
        }
        if (pid == 0) {
            char c;
            close(p[1]);
            (void)read(p[0], &c, 1);
            _exit(0);
        }
        kids[n++] = pid;
    }
    CHECK(n == MAX_PROCESSES - 1);
    CHECK(waitpid(-1, NULL, WNOHANG) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, nothing, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0);

    /* A bomb in its own group: every process forks until EAGAIN. */
    close(p[1]);
    for (int i = 0; i < n; ++i)
        CHECK(waitpid(kids[i], NULL, 0) == kids[i]);
    close(p[0]);
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t leader = fork();
    CHECK(leader >= 0);
    if (leader == 0) {
        setpgid(0, 0);
        int failed = 0;
        for (int round = 0; round < 100 && !failed; ++round) {
            pid_t c = fork();
            if (c < 0)
                failed = errno == EAGAIN ? 1 : 2;
            else if (c == 0)
                round = -1; /* the child starts its own round */
        }
        if (failed == 1 && write(ready[1], "r", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(ready[1]);
    char c;
    CHECK(read(ready[0], &c, 1) == 1); /* some process of the bomb saw EAGAIN */
    close(ready[0]);
    CHECK(kill(-leader, SIGKILL) == 0);
    int status;
    CHECK(waitpid(leader, &status, 0) == leader && WIFSIGNALED(status));
    CHECK_ERR(wait(NULL), ECHILD);

    /* Room again once the bomb's orphans are reaped by init. */
    pid_t pid = -1;
    for (int i = 0; i < 500 && pid < 0; ++i) {
        pid = fork();
        if (pid < 0) {
            CHECK(errno == EAGAIN);
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(5);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 5);
    puts("max_processes: ok");
    return 0;
}
