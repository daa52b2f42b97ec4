/* ptrace(2) with PTRACE_SEIZE: PTRACE_INTERRUPT and LISTEN on a stopped tracee, the fork, exec
 * and exit events with their messages, a forked child traced automatically (starting in
 * PTRACE_EVENT_STOP), and a tracee that is not the tracer's child reported by waitpid. */
#include "check.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define EVENT(status) ((unsigned)(status) >> 16)

static void grandchild_or_exec(char **argv)
{
    pid_t pid = fork();
    if (pid < 0)
        _exit(50);
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "exec-child", (char *)0);
        _exit(51);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        _exit(52);
    _exit(10 + WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exec-child") == 0)
        return 3;
    alarm(60); /* a lost event ends the test instead of hanging it */

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        kill(getpid(), SIGSTOP);
        grandchild_or_exec(argv);
    }
    int status = 0;
    CHECK(waitpid(child, &status, WSTOPPED) == child && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    long options = PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_TRACESYSGOOD;
    CHECK(ptrace(PTRACE_SEIZE, child, 0, (void *)options) == 0);
    CHECK(ptrace(PTRACE_INTERRUPT, child, 0, 0) == 0);
    /* The group stop is reported as PTRACE_EVENT_STOP with the stop signal. */
    CHECK(waitpid(child, &status, __WALL) == child);
    CHECK(WIFSTOPPED(status) && EVENT(status) == PTRACE_EVENT_STOP && WSTOPSIG(status) == SIGSTOP);
    CHECK(ptrace(PTRACE_LISTEN, child, 0, 0) == 0);
    CHECK(kill(child, SIGCONT) == 0);

    pid_t grandchild = 0;
    int saw_grandchild_start = 0, saw_exec = 0, exits = 0, exit_events = 0;
    int child_code = -1, grandchild_code = -1;
    while (exits < 2) {
        pid_t pid = waitpid(-1, &status, __WALL);
        CHECK(pid > 0);
        if (WIFEXITED(status)) {
            ++exits;
            if (pid == child)
                child_code = WEXITSTATUS(status);
            else if (pid == grandchild)
                grandchild_code = WEXITSTATUS(status);
            continue;
        }
        CHECK(WIFSTOPPED(status));
        unsigned long message = 0;
        int sig = 0;
        switch (EVENT(status)) {
        case PTRACE_EVENT_FORK:
            CHECK(pid == child);
            CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &message) == 0);
            grandchild = (pid_t)message;
            break;
        case PTRACE_EVENT_STOP:
            if (pid == grandchild || grandchild == 0) {
                CHECK(WSTOPSIG(status) == SIGTRAP);
                saw_grandchild_start = 1;
            } else if (WSTOPSIG(status) != SIGTRAP) {
                CHECK(ptrace(PTRACE_LISTEN, pid, 0, 0) == 0);
                continue;
            }
            break;
        case PTRACE_EVENT_EXEC:
            CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &message) == 0);
            CHECK((pid_t)message == pid);
            saw_exec = 1;
            break;
        case PTRACE_EVENT_EXIT:
            CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &message) == 0);
            CHECK(WIFEXITED((int)message));
            ++exit_events;
            break;
        case 0:
            sig = WSTOPSIG(status); /* a signal-delivery stop: deliver it */
            break;
        default:
            CHECK(!"unexpected event");
        }
        CHECK(ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig) == 0);
    }
    CHECK(grandchild > 0 && saw_grandchild_start && saw_exec);
    CHECK(exit_events == 2);
    CHECK(grandchild_code == 3);
    CHECK(child_code == 13);
    CHECK(waitpid(-1, &status, __WALL | WNOHANG) == -1 && errno == ECHILD);
    printf("ptrace_events: ok\n");
    return 0;
}
