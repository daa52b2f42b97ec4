/* A tracee stopped at PTRACE_EVENT_EXIT, as Linux has it: a SIGKILL is dropped (the process
 * is already exiting), PTRACE_CONT or PTRACE_DETACH lets it finish its exit with its own
 * status, and so does the end of a tracer that is not its parent. */
#include "check.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EVENT(status) ((unsigned)(status) >> 16)

/* A child that stops itself, is seized by `tracer_pid`'s SEIZE (done by the caller), then exits
 * with 5 once continued. */
static pid_t spawn_exiting_child(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        kill(getpid(), SIGSTOP);
        _exit(5);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, WSTOPPED) == pid && WIFSTOPPED(status));
    return pid;
}

/* Seizes `pid` (in its group stop) with PTRACE_O_TRACEEXIT and runs it into its exit stop. */
static void run_to_exit_stop(pid_t pid)
{
    int status = 0;
    CHECK(ptrace(PTRACE_SEIZE, pid, 0, (void *)PTRACE_O_TRACEEXIT) == 0);
    CHECK(kill(pid, SIGCONT) == 0);
    for (int i = 0; i < 10; ++i) {
        CHECK(waitpid(pid, &status, __WALL) == pid);
        CHECK(WIFSTOPPED(status));
        if (EVENT(status) == PTRACE_EVENT_EXIT)
            break;
        /* The SIGCONT's delivery stop or the group stop's end: let it run. */
        int sig = EVENT(status) == 0 ? WSTOPSIG(status) : 0;
        CHECK(ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig) == 0);
    }
    CHECK(EVENT(status) == PTRACE_EVENT_EXIT);
    unsigned long message = 0;
    CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &message) == 0);
    CHECK(WIFEXITED((int)message) && WEXITSTATUS((int)message) == 5);
}

/* waitpid with a deadline, so that a tracee left stopped fails the test instead of hanging it. */
static pid_t wait_with_deadline(pid_t pid, int *status, int flags)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        pid_t got = waitpid(pid, status, flags | WNOHANG);
        if (got != 0)
            return got;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 20)
            return 0;
        usleep(1000);
    }
}

int main(void)
{
    alarm(60);
    int status = 0;

    /* SIGKILL does not end the exit stop: the process is already exiting (SIGNAL_GROUP_EXIT),
     * so the signal is dropped, and only the tracer lets it go on. */
    pid_t pid = spawn_exiting_child();
    run_to_exit_stop(pid);
    CHECK(kill(pid, SIGKILL) == 0);
    usleep(50 * 1000);
    CHECK(waitpid(pid, &status, __WALL | WNOHANG) == 0);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    CHECK(wait_with_deadline(pid, &status, __WALL) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5);

    /* PTRACE_DETACH from the exit stop: the tracee finishes its exit with its own status. */
    pid = spawn_exiting_child();
    run_to_exit_stop(pid);
    CHECK(ptrace(PTRACE_DETACH, pid, 0, 0) == 0);
    CHECK(wait_with_deadline(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5);

    /* A tracer that is not the parent ends while its tracee sits in the exit stop: the tracee
     * is let go and its parent reaps it. */
    pid = spawn_exiting_child();
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t tracer = fork();
    CHECK(tracer >= 0);
    if (tracer == 0) {
        close(ready[0]);
        run_to_exit_stop(pid);
        CHECK(write(ready[1], "x", 1) == 1);
        _exit(0); /* without resuming the tracee */
    }
    close(ready[1]);
    char byte;
    CHECK(read(ready[0], &byte, 1) == 1);
    CHECK(wait_with_deadline(tracer, &status, 0) == tracer);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(wait_with_deadline(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5);

    printf("ptrace_exit_stop: ok\n");
    return 0;
}
