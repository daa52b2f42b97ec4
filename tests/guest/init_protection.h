/* Checks shared by init_default.c and init_pid1.c: no process can end init (pid 1) with a
 * signal it has no handler for, or with an orphan whose exit signal is SIGKILL. */
#pragma once
#include "check.h"
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static int exit_code_of(pid_t pid)
{
    int status;
    pid_t r;
    while ((r = waitpid(pid, &status, 0)) == -1 && errno == EINTR) {
    }
    CHECK(r == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A child sends init every signal that would kill a process without a handler, as root and
 * as uid 65534 (when we are root). Root's kill succeeds and is dropped; 65534's is refused. */
static void kill_init_from_child(int as_nobody)
{
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR2, SIGKILL, SIGSTOP};
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (as_nobody && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(10);
        for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; ++i) {
            int r = kill(1, sigs[i]);
            if (as_nobody ? !(r == -1 && errno == EPERM) : r != 0)
                _exit(20 + (int)i);
        }
        _exit(0);
    }
    CHECK(exit_code_of(child) == 0);
    sleep_ms(50); /* a signal that did kill would have done it by now */
}

/* A child makes a grandchild with clone(exit_signal = SIGKILL) and exits: the orphan goes to
 * init, and its exit must not send init SIGKILL (its exit signal becomes SIGCHLD). Returns the
 * orphan's pid once it has seen its new parent (and so is about to exit). */
static pid_t orphan_with_sigkill_exit_signal(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(p[0]);
        pid_t parent = getpid();
        long orphan = syscall(SYS_clone, (long)SIGKILL, 0L, 0L, 0L, 0L);
        if (orphan < 0)
            _exit(2);
        if (orphan == 0) {
            int waited_ms = 0;
            while (getppid() == parent && waited_ms < 10000) {
                sleep_ms(5);
                waited_ms += 5;
            }
            pid_t self = getpid();
            if (write(p[1], &self, sizeof self) != sizeof self)
                _exit(3);
            _exit(getppid() == parent ? 4 : 0);
        }
        _exit(0);
    }
    close(p[1]);
    CHECK(exit_code_of(child) == 0);
    pid_t orphan = 0;
    CHECK(read(p[0], &orphan, sizeof orphan) == sizeof orphan);
    close(p[0]);
    sleep_ms(100); /* the orphan exits; were its SIGKILL to reach init, we would be gone */
    return orphan;
}
