// `int $0x80` from 64-bit code is a 32-bit system call on Linux (the i386 table: 20 is getpid,
// 39 is mkdir), never a 64-bit one (39 would be getpid there). Asterix has no 32-bit table: it
// answers as Linux without IA32 emulation does, with a general protection fault (SIGSEGV,
// SI_KERNEL, at the instruction). Natively the host (with IA32 emulation) serves the calls.
// Both answers are accepted; serving a 64-bit call is not.
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static uint8_t *volatile int80_site;

static void on_segv(int sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    (void)sig;
    uint8_t *rip = (uint8_t *)uc->uc_mcontext.gregs[REG_RIP];
    /* The fault is at the int instruction itself, as a #GP reports it. */
    _exit(info->si_code == SI_KERNEL && rip == int80_site && rip[0] == 0xcd && rip[1] == 0x80 ? 3 : 4);
}

static long int80(long nr, long a0)
{
    long ret;
    asm volatile("lea 1f(%%rip), %%rcx\n\t"
                 "mov %%rcx, %[site]\n\t"
                 "1: int $0x80"
                 : "=a"(ret), [site] "=m"(int80_site)
                 : "a"(nr), "b"(a0)
                 : "rcx", "memory");
    return ret;
}

int main(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sigaction segv = {0};
        segv.sa_sigaction = on_segv;
        segv.sa_flags = SA_SIGINFO;
        CHECK(sigaction(SIGSEGV, &segv, 0) == 0);
        long pid = int80(20, 0); /* i386 getpid */
        if (pid != getpid()) {
            fprintf(stderr, "hostile_int80: i386 getpid gave %ld, pid is %d\n", pid, getpid());
            _exit(1);
        }
        long err = int80(39, 0); /* i386 mkdir(NULL, ...) */
        if (err != -EFAULT) {
            fprintf(stderr, "hostile_int80: i386 mkdir(NULL) gave %ld, want -EFAULT\n", err);
            _exit(1);
        }
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    int code = WEXITSTATUS(status);
    if (code == 0)
        printf("hostile_int80: int $0x80 used the i386 table\n");
    else if (code == 3)
        printf("hostile_int80: int $0x80 raised SIGSEGV (no IA32 emulation)\n");
    CHECK(code == 0 || code == 3);
    return 0;
}
