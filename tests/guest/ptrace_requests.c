/* ptrace(2) requests on a classic (PTRACE_TRACEME) tracee: stops, registers, memory, siginfo,
 * syscall stops and their editing, signal-delivery stops, and the errors of each. */
#include "check.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <elf.h>
#include <linux/audit.h>
#include <linux/ptrace.h>

static volatile long shared_word = 0x1111;
static volatile int handled_signals = 0;

static void on_signal(int sig) { handled_signals += sig; }

/* A function whose first bytes the tracer overwrites in the child's (read-only) text. */
__attribute__((noinline)) static int text_probe(void) { return 5; }

static int wait_stop(pid_t pid)
{
    int status = 0;
    CHECK(waitpid(pid, &status, __WALL) == pid);
    CHECK(WIFSTOPPED(status));
    return status;
}

static void child(void)
{
    signal(SIGUSR1, on_signal);
    signal(SIGUSR2, on_signal);
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
        _exit(100);
    /* Tracing oneself twice is refused. */
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != -1 || errno != EPERM)
        _exit(101);
    kill(getpid(), SIGSTOP);
    /* The tracer rewrote shared_word and text_probe's first bytes by now. */
    if (shared_word != 0x2222)
        _exit(102);
    long ppid = syscall(SYS_getppid); /* turned into getpid by the tracer */
    if (ppid != getpid())
        _exit(103);
    long skipped = syscall(SYS_getppid); /* skipped, with 42 as its result */
    if (skipped != 42)
        _exit(104);
    kill(getpid(), SIGUSR1); /* suppressed by the tracer */
    kill(getpid(), SIGUSR2); /* delivered */
    if (handled_signals != SIGUSR2)
        _exit(105);
    _exit(7);
}

static void syscall_stop(pid_t pid, int expect_sysgood)
{
    CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
    int status = wait_stop(pid);
    CHECK(WSTOPSIG(status) == (expect_sysgood ? (SIGTRAP | 0x80) : SIGTRAP));
}

/* Runs the tracee to the entry of its next syscall `nr`, past the others. */
static void run_to_entry(pid_t pid, long nr, struct user_regs_struct *regs)
{
    for (int i = 0;; ++i) {
        CHECK(i < 1000);
        syscall_stop(pid, 1);
        CHECK(ptrace(PTRACE_GETREGS, pid, 0, regs) == 0);
        if ((long)regs->orig_rax == nr)
            return;
        syscall_stop(pid, 1); /* its exit */
    }
}

int main(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        child();

    int status = wait_stop(pid);
    CHECK(WSTOPSIG(status) == SIGSTOP);

    /* Errors first, while the tracee sits in its signal-delivery stop. */
    CHECK_ERR(ptrace(PTRACE_CONT, getpid(), 0, 0), ESRCH);       /* not our tracee */
    CHECK_ERR(ptrace(PTRACE_ATTACH, getpid(), 0, 0), EPERM);     /* oneself */
    CHECK_ERR(ptrace(PTRACE_ATTACH, pid, 0, 0), EPERM);          /* already traced */
    CHECK_ERR(ptrace(PTRACE_SEIZE, pid, (void *)1, 0), EIO);     /* addr must be 0 */
    CHECK_ERR(ptrace(PTRACE_SEIZE, pid, 0, (void *)(1L << 30)), EIO); /* EIO, unlike SETOPTIONS */
    CHECK_ERR(ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)(1L << 30)), EINVAL);
    CHECK_ERR(ptrace(PTRACE_PEEKDATA, pid, BAD_PTR, 0), EIO);
    CHECK_ERR(ptrace(PTRACE_POKEDATA, pid, BAD_PTR, 0), EIO);
    CHECK_ERR(ptrace(PTRACE_PEEKUSER, pid, (void *)3, 0), EIO);  /* unaligned */
    /* The kernel's struct user has error_code and fault_address past glibc's. */
    CHECK_ERR(ptrace(PTRACE_PEEKUSER, pid, (void *)(sizeof(struct user) + 16), 0), EIO);
    CHECK_ERR(ptrace(PTRACE_CONT, pid, 0, (void *)1000), EIO);   /* no such signal */
    CHECK_ERR(ptrace(PTRACE_INTERRUPT, pid, 0, 0), EIO);         /* not seized */
    CHECK_ERR(ptrace(PTRACE_LISTEN, pid, 0, 0), EIO);
    CHECK_ERR(ptrace(PTRACE_GETREGS, pid, 0, BAD_PTR), EFAULT);

    /* The siginfo of the stop. */
    siginfo_t info;
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &info) == 0);
    CHECK(info.si_signo == SIGSTOP);

    /* Registers: GETREGS, PEEKUSER and GETREGSET agree. */
    struct user_regs_struct regs;
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    CHECK(regs.rip != 0 && regs.rsp != 0);
    errno = 0;
    long rip = ptrace(PTRACE_PEEKUSER, pid, (void *)offsetof(struct user_regs_struct, rip), 0);
    CHECK(errno == 0 && (unsigned long)rip == regs.rip);
    struct user_regs_struct regs2;
    struct iovec iov = {&regs2, sizeof(regs2)};
    CHECK(ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &iov) == 0);
    CHECK(iov.iov_len == sizeof(regs2) && regs2.rip == regs.rip && regs2.rsp == regs.rsp);
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
    struct user_fpregs_struct fpregs;
    CHECK(ptrace(PTRACE_GETFPREGS, pid, 0, &fpregs) == 0);
    CHECK((fpregs.mxcsr & 0xffff0000u) == 0);
    CHECK(ptrace(PTRACE_SETFPREGS, pid, 0, &fpregs) == 0);
    errno = 0;
    long dr7 = ptrace(PTRACE_PEEKUSER, pid, (void *)offsetof(struct user, u_debugreg[7]), 0);
    CHECK(errno == 0 && dr7 == 0);

    /* Memory: data, and read-only text through a private copy (ours stays as it is). */
    errno = 0;
    long word = ptrace(PTRACE_PEEKDATA, pid, (void *)&shared_word, 0);
    CHECK(errno == 0 && word == 0x1111);
    CHECK(ptrace(PTRACE_POKEDATA, pid, (void *)&shared_word, (void *)0x2222) == 0);
    CHECK(shared_word == 0x1111);
    long code = ptrace(PTRACE_PEEKTEXT, pid, (void *)&text_probe, 0);
    CHECK(ptrace(PTRACE_POKETEXT, pid, (void *)&text_probe, (void *)(code ^ 0xff)) == 0);
    CHECK(ptrace(PTRACE_PEEKTEXT, pid, (void *)&text_probe, 0) == (code ^ 0xff));
    CHECK(*(volatile unsigned char *)&text_probe == (unsigned char)code);
    CHECK(ptrace(PTRACE_POKETEXT, pid, (void *)&text_probe, (void *)code) == 0);
    CHECK(text_probe() == 5);

    CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)PTRACE_O_TRACESYSGOOD) == 0);
    /* Suppress the SIGSTOP; stop at syscalls until getppid, then make it getpid. */
    run_to_entry(pid, SYS_getppid, &regs);
    CHECK((long)regs.rax == -ENOSYS);
    struct ptrace_syscall_info sinfo;
    long size = ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(sinfo), &sinfo);
    CHECK(size > 0 && sinfo.op == PTRACE_SYSCALL_INFO_ENTRY && sinfo.entry.nr == SYS_getppid);
    CHECK(sinfo.arch == AUDIT_ARCH_X86_64);
    unsigned long message = 99;
    CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &message) == 0);
    regs.orig_rax = SYS_getpid;
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
    syscall_stop(pid, 1);
    CHECK(ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(sinfo), &sinfo) > 0);
    CHECK(sinfo.op == PTRACE_SYSCALL_INFO_EXIT && sinfo.exit.rval == pid && !sinfo.exit.is_error);
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &info) == 0);
    CHECK(info.si_signo == SIGTRAP && info.si_code == (SIGTRAP | 0x80));

    /* The next getppid is skipped: number -1, result 42 set at its entry. */
    run_to_entry(pid, SYS_getppid, &regs);
    regs.orig_rax = -1;
    regs.rax = 42;
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
    syscall_stop(pid, 1);
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    CHECK(regs.rax == 42);

    /* The signals: SIGUSR1 suppressed, SIGUSR2 delivered. Running tracees refuse requests. */
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    status = wait_stop(pid);
    CHECK(WSTOPSIG(status) == SIGUSR1);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    status = wait_stop(pid);
    CHECK(WSTOPSIG(status) == SIGUSR2);
    CHECK(ptrace(PTRACE_CONT, pid, 0, (void *)SIGUSR2) == 0);
    CHECK(waitpid(pid, &status, __WALL) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    CHECK_ERR(ptrace(PTRACE_GETREGS, pid, 0, &regs), ESRCH);
    printf("ptrace_requests: ok\n");
    return 0;
}
