// Run as pid 1 (--pid1), so the orphans of phase 2 are ours to reap and no other process counts.
// RLIMIT_NPROC: with the limit at 20, fork fails with EAGAIN once the user has 20 processes
// (under asterix, where this test is alone, exactly 19 children); the children are killed and
// reaped, after which fork works again. Then a real (bounded) fork bomb in its own process group:
// every process forks until EAGAIN, the whole group is killed with one kill(-pgid, SIGKILL),
// and everything is reaped (orphans come to us when we are init). Threads count as well
// (pthread_create gets EAGAIN).
// Natively, root (CAP_SYS_RESOURCE/CAP_SYS_ADMIN) is exempt from RLIMIT_NPROC: the checks that
// need the limit are made only when it was seen to apply.
// asterix-args: --pid1
#include "check.h"
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { LIMIT = 20, CAP = 60 };

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static void *idle_thread(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

int main(void)
{
    int is_init = getpid() == 1;
    struct rlimit rl = {LIMIT, LIMIT};
    CHECK(setrlimit(RLIMIT_NPROC, &rl) == 0);
    struct rlimit back;
    CHECK(getrlimit(RLIMIT_NPROC, &back) == 0);
    CHECK(back.rlim_cur == LIMIT && back.rlim_max == LIMIT);

    /* Phase 1: children that wait (blocked in read on a pipe nobody writes). */
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t kids[CAP];
    int n = 0, saw_eagain = 0;
    while (n < CAP) {
        pid_t pid = fork();
        if (pid < 0) {
            CHECK(errno == EAGAIN);
            saw_eagain = 1;
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
    if (is_init) {
        CHECK(saw_eagain);
        CHECK(n == LIMIT - 1); /* we are the 20th */
    }
    /* The failing fork did not leave anything behind. */
    CHECK(waitpid(-1, NULL, WNOHANG) == 0);
    /* Threads count as well. */
    if (saw_eagain) {
        pthread_t t;
        CHECK(pthread_create(&t, NULL, idle_thread, NULL) == EAGAIN);
    }
    for (int i = 0; i < n; i++)
        CHECK(kill(kids[i], SIGKILL) == 0);
    for (int i = 0; i < n; i++) {
        int status;
        CHECK(waitpid(kids[i], &status, 0) == kids[i]);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    }
    CHECK_ERR(wait(NULL), ECHILD);
    close(p[0]);
    close(p[1]);

    /* Room again (when there was room at all: natively, other processes of the same user
     * count too). */
    pid_t pid;
    int status;
    if (n > 0) {
        pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            _exit(3);
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 3);
    }

    /* Phase 2: a bomb, only where we know every process there is (as init: under asterix).
     * Each process forks up to 4 children, at most 4 levels deep, then sleeps. */
    if (!is_init) {
        printf("fork_bomb: not init, %s; phase 2 skipped\n",
               saw_eagain ? "RLIMIT_NPROC applies" : "RLIMIT_NPROC does not apply (root)");
        return 0;
    }
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t leader = fork();
    CHECK(leader >= 0);
    if (leader == 0) {
        setpgid(0, 0);
        int depth = 0;
        for (int i = 0; i < 4; i++) {
            pid_t c = fork();
            if (c < 0)
                break; /* EAGAIN: the bomb is spent */
            if (c == 0) {
                if (++depth >= 4)
                    break;
                i = -1; /* a new process starts its own round */
            }
        }
        if (getpid() == getpgrp()) {
            /* The leader reports when the tree has had time to grow. */
            sleep_ms(200);
            if (write(ready[1], "r", 1) != 1)
                _exit(1);
        }
        for (;;)
            pause();
    }
    close(ready[1]);
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    close(ready[0]);
    CHECK(kill(-leader, SIGKILL) == 0);
    /* Reap the leader; orphans of the group come to us if we are init. */
    CHECK(waitpid(leader, &status, 0) == leader);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    if (is_init) {
        int reaped = 1;
        while ((pid = wait(&status)) > 0) {
            CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
            reaped++;
        }
        CHECK(errno == ECHILD);
        CHECK(reaped == LIMIT - 1);
    }
    /* The group is gone: after a moment, kill finds nobody. */
    for (int i = 0; i < 500 && kill(-leader, 0) == 0; i++)
        sleep_ms(2);
    CHECK_ERR(kill(-leader, 0), ESRCH);
    /* And fork works again. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(0);
    CHECK(waitpid(pid, &status, 0) == pid);
    printf("fork_bomb: ok\n");
    return 0;
}
