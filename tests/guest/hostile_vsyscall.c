// A call into the legacy vsyscall page (0xffffffffff600000) either returns what Linux's
// emulation returns (vsyscall=emulate or xonly: the time) or raises SIGSEGV at the called
// address (vsyscall=none). Asterix gives the vsyscall=none answer on both backends; natively
// the host's mode decides. Asterix once lost the whole address space (its stub's seccomp filter
// killed the process the host's emulation ran in).
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define VSYSCALL_GETTIMEOFDAY 0xffffffffff600000UL
#define VSYSCALL_TIME 0xffffffffff600400UL
#define VSYSCALL_GETCPU 0xffffffffff600800UL

static volatile uintptr_t calling;

static void on_segv(int sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    (void)sig;
    /* vsyscall=none: the fetch at the called address faults, with rip there. */
    int is_none = (uintptr_t)info->si_addr == calling && (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] == calling;
    _exit(is_none ? 3 : 4);
}

/* Runs one vsyscall in a child: 0 when it returned the right answer, 3 on vsyscall=none's
 * SIGSEGV, anything else is wrong. */
static int in_child(int which)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sigaction segv = {0};
        segv.sa_sigaction = on_segv;
        segv.sa_flags = SA_SIGINFO;
        CHECK(sigaction(SIGSEGV, &segv, 0) == 0);
        time_t before = time(0);
        if (which == 0) {
            struct timeval tv = {0, 0};
            calling = VSYSCALL_GETTIMEOFDAY;
            long r = ((long (*)(struct timeval *, void *))VSYSCALL_GETTIMEOFDAY)(&tv, 0);
            _exit(r == 0 && tv.tv_sec >= before && tv.tv_sec <= time(0) ? 0 : 1);
        }
        if (which == 1) {
            calling = VSYSCALL_TIME;
            time_t t = ((time_t (*)(time_t *))VSYSCALL_TIME)(0);
            _exit(t >= before && t <= time(0) ? 0 : 1);
        }
        unsigned cpu = ~0u, node = ~0u;
        calling = VSYSCALL_GETCPU;
        long r = ((long (*)(unsigned *, unsigned *, void *))VSYSCALL_GETCPU)(&cpu, &node, 0);
        _exit(r == 0 && cpu != ~0u ? 0 : 1);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    if (!WIFEXITED(status)) {
        fprintf(stderr, "hostile_vsyscall: call %d: the child died from signal %d\n", which,
                WIFSIGNALED(status) ? WTERMSIG(status) : -1);
        return -1;
    }
    return WEXITSTATUS(status);
}

int main(void)
{
    int first = in_child(1);
    CHECK(first == 0 || first == 3);
    /* The three calls agree: all emulated or all SIGSEGV. */
    CHECK(in_child(0) == first);
    CHECK(in_child(2) == first);
    printf("hostile_vsyscall: %s\n", first == 0 ? "the vsyscall page answered (emulated)" : "SIGSEGV (vsyscall=none)");
    return 0;
}
