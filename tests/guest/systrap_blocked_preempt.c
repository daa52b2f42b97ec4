// A child that blocks every host signal through the systrap stub's own rt_sigreturn (its two
// key arguments are no secret) and then spins cannot take the preemption signal: the kernel
// must still take it back (by ptrace) so that its parent runs and can end it with SIGTERM,
// which the child never blocked as far as Asterix knows. Only meaningful on systrap: natively,
// and under ptrace (where rt_sigreturn is Asterix's), the child really blocks SIGTERM.
// native: skip
// platform: systrap
// bare-metal: skip
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "check.h"

static char stack[65536] __attribute__((aligned(16)));

static void spin(void)
{
    for (;;)
        __asm__ volatile("" ::: "memory");
}

static void block_host_signals_and_spin(void)
{
    static ucontext_t uc;
    getcontext(&uc);
    uc.uc_mcontext.gregs[REG_RIP] = (long)spin;
    uc.uc_mcontext.gregs[REG_RSP] = (long)(stack + sizeof stack - 8);
    uc.uc_mcontext.gregs[REG_CSGSFS] = 0x33 | (0x2bL << 48);
    uc.uc_mcontext.fpregs = 0;
    memset(&uc.uc_sigmask, 0xff, 8);
    register long key0 __asm__("rdi") = 0x5379737472617030;
    register long key1 __asm__("rsi") = 0x736967726574726e;
    __asm__ volatile("mov %0, %%rsp; mov $15, %%eax; syscall" ::"r"(&uc), "r"(key0), "r"(key1) : "memory", "rax");
}

int main(void)
{
    alarm(20); // a bound on the whole test
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        block_host_signals_and_spin();
        _exit(1);
    }
    usleep(300 * 1000);
    CHECK(kill(child, SIGTERM) == 0);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    return 0;
}
