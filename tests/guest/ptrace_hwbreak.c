/* Hardware breakpoints through PTRACE_POKEUSER's debug registers: a 4-byte write watchpoint
 * and an execute breakpoint stop the tracee with SIGTRAP (si_code TRAP_HWBKPT, si_addr the
 * instruction pointer) and DR6 naming the register that hit; the checks Linux makes on the
 * values (DR4/DR5 EIO, kernel or misaligned addresses and bad DR7 fields EINVAL, nothing
 * changed by a refused write); a slot at the top of user space (where Asterix keeps its stub)
 * is accepted yet never fires; a single step leaves DR6 showing BS alone; clearing DR7 lets
 * the tracee run on untouched. */
#include "check.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int watched __attribute__((aligned(8))) = 0;

__attribute__((noinline)) void hw_target(void)
{
    __asm__ volatile("" ::: "memory");
    watched += 0;
}

#define DR_OFFSET(n) (offsetof(struct user, u_debugreg) + (n) * sizeof(long))
#define DR7_L(n) (1ul << (2 * (n)))
#define DR7_FIELD(n, rw, len) (((unsigned long)(rw) | ((unsigned long)(len) << 2)) << (16 + 4 * (n)))
#define RW_EXEC 0
#define RW_WRITE 1
#define RW_IO 2
#define LEN_1 0
#define LEN_4 3

static unsigned long peek_dr(pid_t pid, int n)
{
    errno = 0;
    long value = ptrace(PTRACE_PEEKUSER, pid, DR_OFFSET(n), 0);
    CHECK(errno == 0);
    return (unsigned long)value;
}

static void expect_hwbkpt(pid_t pid, unsigned long dr6_bit)
{
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP)
        fprintf(stderr, "status %#x\n", status);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP);
    siginfo_t info;
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &info) == 0);
    CHECK(info.si_signo == SIGTRAP && info.si_code == TRAP_HWBKPT);
    struct user_regs_struct regs;
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    CHECK((unsigned long)info.si_addr == regs.rip);
    CHECK((peek_dr(pid, 6) & 0xf) == dr6_bit);
}

int main(void)
{
    alarm(60);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
            _exit(100);
        raise(SIGSTOP);
        watched = 42;
        hw_target();
        watched = 43;
        hw_target();
        _exit(watched == 43 ? 0 : 101);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);

    /* Nothing armed yet. */
    CHECK(peek_dr(pid, 7) == 0);
    CHECK((peek_dr(pid, 6) & 0xf) == 0);
    CHECK(peek_dr(pid, 4) == 0);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(4), 0), EIO);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(5), 0), EIO);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(0) + 1, 0), EIO);

    /* Kernel addresses are refused, and leave the register as it was. */
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(0), 0xffffffff81000000ul), EINVAL);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(0), 0x7ffffffff000ul), EINVAL);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(0), 0x800000000000ul), EINVAL);
    CHECK(peek_dr(pid, 0) == 0);

    /* DR0: a 4-byte write watchpoint on `watched`. DR2: an execute breakpoint high in user
     * space, where nothing of the guest runs (and where Asterix's stub lives). */
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(0), (unsigned long)&watched) == 0);
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(2), 0x7ffffff00000ul) == 0);
    CHECK(peek_dr(pid, 0) == (unsigned long)&watched);
    unsigned long dr7 = DR7_L(0) | DR7_FIELD(0, RW_WRITE, LEN_4) | DR7_L(2) | DR7_FIELD(2, RW_EXEC, LEN_1);
    /* Bad DR7 fields: an I/O breakpoint, an execute breakpoint longer than a byte, a length
     * the address is not aligned to. */
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(7), DR7_L(0) | DR7_FIELD(0, RW_IO, LEN_1)), EINVAL);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(7), DR7_L(0) | DR7_FIELD(0, RW_EXEC, LEN_4)), EINVAL);
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(3), (unsigned long)&watched + 1) == 0);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(7), DR7_L(3) | DR7_FIELD(3, RW_WRITE, LEN_4)), EINVAL);
    CHECK(peek_dr(pid, 7) == 0);
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(7), dr7) == 0);
    CHECK(peek_dr(pid, 7) == dr7);
    /* With a 4-byte length armed, a misaligned address is refused. */
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(0), (unsigned long)&watched + 1), EINVAL);
    CHECK(peek_dr(pid, 0) == (unsigned long)&watched);

    /* The write to `watched` traps after the store. */
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    expect_hwbkpt(pid, 1);
    errno = 0;
    CHECK(ptrace(PTRACE_PEEKDATA, pid, &watched, 0) == 42 && errno == 0);

    /* DR1: an execute breakpoint at hw_target, which traps before it runs. */
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(1), (unsigned long)&hw_target) == 0);
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(7), DR7_L(1) | DR7_FIELD(1, RW_EXEC, LEN_1)) == 0);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    expect_hwbkpt(pid, 2);
    struct user_regs_struct regs;
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    CHECK(regs.rip == (unsigned long)&hw_target);

    /* A single step from there runs the instruction (no second hit) and DR6 shows BS alone. */
    CHECK(ptrace(PTRACE_SINGLESTEP, pid, 0, 0) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP);
    siginfo_t info;
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &info) == 0);
    CHECK(info.si_code == TRAP_TRACE);
    CHECK((peek_dr(pid, 6) & 0x400f) == 0x4000);
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
    CHECK(regs.rip != (unsigned long)&hw_target);

    /* Disarmed: the tracee runs to its end without another stop. */
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR_OFFSET(7), 0) == 0);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    if (WIFSTOPPED(status))
        fprintf(stderr, "stray stop: signal %d\n", WSTOPSIG(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("ptrace_hwbreak: ok\n");
    return 0;
}
