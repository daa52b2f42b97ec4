/* PTRACE_SINGLESTEP: each step is a SIGTRAP stop (TRAP_TRACE) one instruction on, the trap
 * flag is the tracer's alone (the tracee never sees it), and PTRACE_CONT afterwards runs the
 * tracee to its end with no stray trap. */
#include "check.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int counter = 0;

int main(void)
{
    alarm(60);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
            _exit(100);
        kill(getpid(), SIGSTOP);
        for (int i = 0; i < 100; ++i)
            counter += i;
        unsigned long flags;
        __asm__ volatile("pushf; pop %0" : "=r"(flags));
        _exit(counter == 4950 && !(flags & 0x100) ? 0 : 101);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    struct user_regs_struct regs;
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    unsigned long rip = regs.rip;
    int moved = 0;
    for (int i = 0; i < 50; ++i) {
        CHECK(ptrace(PTRACE_SINGLESTEP, pid, 0, 0) == 0);
        CHECK(waitpid(pid, &status, 0) == pid);
        CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP);
        siginfo_t info;
        CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &info) == 0);
        CHECK(info.si_signo == SIGTRAP);
        CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
        moved += regs.rip != rip;
        rip = regs.rip;
    }
    CHECK(moved >= 40);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    if (WIFSTOPPED(status))
        fprintf(stderr, "stray stop: signal %d\n", WSTOPSIG(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("ptrace_singlestep: ok\n");
    return 0;
}
