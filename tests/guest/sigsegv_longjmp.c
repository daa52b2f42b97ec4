// Fault signals caught by handlers: SIGSEGV from a write to an unmapped address (SEGV_MAPERR,
// si_addr the address) left with siglongjmp, several times in a row (the mask is restored by
// siglongjmp); a write to a read-only page (SEGV_ACCERR); a handler that fixes the page with
// mprotect and returns, so the write is retried and succeeds; stack overflow caught on the
// alternate stack; SIGFPE from integer division by zero and INT_MIN / -1 (FPE_INTDIV); SIGILL
// from ud2 (ILL_ILLOPN, si_addr the instruction); SIGTRAP from int3 (SI_KERNEL) whose handler
// returns after the int3; a SIGILL handler that edits RIP and RAX in its ucontext to skip the
// ud2. (SIGBUS is sigbus_file.c.)
#include "check.h"
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jump;
static volatile int caught_sig, caught_code;
static void *volatile caught_addr;
static volatile uintptr_t caught_ip;
static volatile int caught_count;

static void leave(int sig, siginfo_t *si, void *uc)
{
    caught_sig = sig;
    caught_code = si->si_code;
    caught_addr = si->si_addr;
    caught_ip = ((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
    caught_count++;
    siglongjmp(jump, 1);
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static int blocked(int sig)
{
    sigset_t m;
    sigemptyset(&m);
    CHECK(sigprocmask(SIG_BLOCK, NULL, &m) == 0);
    return sigismember(&m, sig);
}

static void bad_writes(void)
{
    on(SIGSEGV, leave, 0);
    /* Addresses that are certainly unmapped: a page we map and unmap, and low ones. */
    char *page = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    CHECK(munmap(page, 3 * 4096) == 0);
    char *targets[] = {page, page + 4096 + 123, page + 3 * 4096 - 1, (char *)16, (char *)0x1000,
                       page + 8};
    for (unsigned i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        caught_sig = 0;
        if (sigsetjmp(jump, 1) == 0) {
            *(volatile char *)targets[i] = 1;
            CHECK(!"the write did not fault");
        }
        CHECK(caught_sig == SIGSEGV);
        CHECK(caught_code == SEGV_MAPERR);
        if (caught_addr != targets[i])
            fprintf(stderr, "si_addr %p, want %p\n", caught_addr, (void *)targets[i]);
        CHECK(caught_addr == targets[i]);
        /* siglongjmp with savesigs restored the mask: SIGSEGV is not blocked any more. */
        CHECK(!blocked(SIGSEGV));
    }
    CHECK(caught_count == 6);
    /* A read faults the same way. */
    if (sigsetjmp(jump, 1) == 0) {
        (void)*(volatile int *)(page + 4096);
        CHECK(!"the read did not fault");
    }
    CHECK(caught_code == SEGV_MAPERR && caught_addr == page + 4096);

    /* A read-only page: SEGV_ACCERR. */
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    for (int i = 0; i < 3; i++) {
        caught_sig = 0;
        if (sigsetjmp(jump, 1) == 0) {
            ro[100 + i] = 1;
            CHECK(!"the write did not fault");
        }
        CHECK(caught_sig == SIGSEGV && caught_code == SEGV_ACCERR && caught_addr == ro + 100 + i);
        CHECK(ro[100 + i] == 0);
    }
    /* PROT_NONE: even a read faults, with SEGV_ACCERR. */
    CHECK(mprotect(ro, 4096, PROT_NONE) == 0);
    if (sigsetjmp(jump, 1) == 0) {
        (void)*(volatile char *)(ro + 7);
        CHECK(!"the read did not fault");
    }
    CHECK(caught_code == SEGV_ACCERR && caught_addr == ro + 7);
    CHECK(munmap(ro, 4096) == 0);

    /* sigsetjmp without saving the mask: after the longjmp SIGSEGV stays blocked (it was blocked
     * for the handler); unblock it by hand. */
    if (sigsetjmp(jump, 0) == 0)
        *(volatile char *)16 = 1;
    CHECK(caught_addr == (void *)16);
    CHECK(blocked(SIGSEGV));
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGSEGV);
    CHECK(sigprocmask(SIG_UNBLOCK, &m, NULL) == 0);
}

/* The handler makes the page writable and returns: the faulting write is retried. */
static char *fix_page;
static volatile int fixes;

static void fix(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    fixes++;
    char *page = (char *)((uintptr_t)si->si_addr & ~(uintptr_t)4095);
    if (page != fix_page || si->si_code != SEGV_ACCERR)
        _exit(50);
    mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

static void fix_and_retry(void)
{
    fix_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(fix_page != MAP_FAILED);
    on(SIGSEGV, fix, 0);
    fixes = 0;
    *(volatile int *)(fix_page + 64) = 0x12345678;
    CHECK(fixes == 1);
    CHECK(*(volatile int *)(fix_page + 64) == 0x12345678);
    CHECK(munmap(fix_page, 4096) == 0);
}

/* Unbounded recursion: the stack overflows, the handler runs on the alternate stack. */
static volatile int deepest;
static volatile int never = 1 << 30;

static int recurse(int n)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    deepest = n;
    if (n == never)
        return 0;
    return recurse(n + 1) + pad[0];
}

static void stack_overflow(void)
{
    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    CHECK(sigaltstack(&ss, NULL) == 0);
    /* Keep the overflow quick and the same everywhere: a 1 MB stack. */
    struct rlimit old, rl;
    CHECK(getrlimit(RLIMIT_STACK, &old) == 0);
    rl = old;
    rl.rlim_cur = 1 << 20;
    CHECK(setrlimit(RLIMIT_STACK, &rl) == 0);
    on(SIGSEGV, leave, SA_ONSTACK);
    caught_sig = 0;
    if (sigsetjmp(jump, 1) == 0) {
        recurse(0);
        CHECK(!"no overflow");
    }
    CHECK(caught_sig == SIGSEGV);
    CHECK(deepest > 100);
    CHECK(setrlimit(RLIMIT_STACK, &old) == 0);
    stack_t off = {.ss_flags = SS_DISABLE};
    CHECK(sigaltstack(&off, NULL) == 0);
}

static void fpe(void)
{
    on(SIGFPE, leave, 0);
    volatile int zero = 0, num = 7;
    for (int i = 0; i < 3; i++) {
        caught_sig = 0;
        if (sigsetjmp(jump, 1) == 0) {
            volatile int r = num / zero;
            (void)r;
            CHECK(!"no SIGFPE");
        }
        CHECK(caught_sig == SIGFPE && caught_code == FPE_INTDIV);
    }
    /* INT_MIN / -1 overflows: the same #DE. */
    volatile int min = INT_MIN, minus1 = -1;
    caught_sig = 0;
    if (sigsetjmp(jump, 1) == 0) {
        volatile int r = min / minus1;
        (void)r;
        CHECK(!"no SIGFPE");
    }
    CHECK(caught_sig == SIGFPE && caught_code == FPE_INTDIV);
    /* 64-bit too. */
    volatile long lzero = 0, lnum = 1;
    caught_sig = 0;
    if (sigsetjmp(jump, 1) == 0) {
        volatile long r = lnum % lzero;
        (void)r;
        CHECK(!"no SIGFPE");
    }
    CHECK(caught_sig == SIGFPE && caught_code == FPE_INTDIV);
}

extern char ud2_here[], int3_after[];

static void ill(void)
{
    on(SIGILL, leave, 0);
    for (int i = 0; i < 2; i++) {
        caught_sig = 0;
        if (sigsetjmp(jump, 1) == 0) {
            __asm__ volatile(".globl ud2_here\nud2_here:\n\tud2");
            CHECK(!"no SIGILL");
        }
        CHECK(caught_sig == SIGILL && caught_code == ILL_ILLOPN);
        CHECK(caught_addr == (void *)ud2_here);
        CHECK(caught_ip == (uintptr_t)ud2_here);
    }
}

/* The handler edits the interrupted context: skip the 2-byte ud2 and put a value in rax. */
static void skip_ud2(int sig, siginfo_t *si, void *ucv)
{
    (void)sig, (void)si;
    ucontext_t *uc = ucv;
    uc->uc_mcontext.gregs[REG_RIP] += 2;
    uc->uc_mcontext.gregs[REG_RAX] = 0x5eed;
}

static void edit_context(void)
{
    on(SIGILL, skip_ud2, 0);
    for (int i = 0; i < 3; i++) {
        long rax = 1;
        __asm__ volatile("ud2" : "+a"(rax)::"memory");
        CHECK(rax == 0x5eed);
    }
    signal(SIGILL, SIG_DFL);
}

static volatile int traps;
static volatile int trap_code;
static volatile uintptr_t trap_ip;

static void trap(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    traps++;
    trap_code = si->si_code;
    trap_ip = ((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
}

static void breakpoint(void)
{
    on(SIGTRAP, trap, 0);
    traps = 0;
    /* The handler returns: execution goes on after the int3. */
    __asm__ volatile("int3\n.globl int3_after\nint3_after:" ::: "memory");
    CHECK(traps == 1);
    CHECK(trap_code == SI_KERNEL);
    CHECK(trap_ip == (uintptr_t)int3_after);
    __asm__ volatile("int3" ::: "memory");
    CHECK(traps == 2);
    signal(SIGTRAP, SIG_DFL);
}

int main(void)
{
    bad_writes();
    fix_and_retry();
    stack_overflow();
    fpe();
    ill();
    edit_context();
    breakpoint();
    printf("sigsegv_longjmp: ok\n");
    return 0;
}
