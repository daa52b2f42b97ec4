// Signal delivery to handlers: siginfo contents (kill, tgkill/raise, sigqueue, another process),
// registers and SSE/MXCSR state preserved across a handler that clobbers them (at a syscall and
// when preempted in a loop), SA_RESETHAND, SA_NODEFER nesting, the mask during a handler,
// blocking then pending then delivery on unblock, standard signals coalesce while real-time ones
// queue in order, sigsuspend, sigtimedwait (timeout, already pending), rt_sigqueueinfo,
// sigaltstack with SA_ONSTACK (nested handlers stay on it), 16-byte stack alignment in handlers,
// a handler editing uc_sigmask, what fork inherits, kill(0), kill(-pgrp), kill errors.
#include "check.h"
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags, const int *block)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    for (; block && *block; block++)
        sigaddset(&sa.sa_mask, *block);
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void set_default(int sig) { signal(sig, SIG_DFL); }

static sigset_t current_mask(void)
{
    sigset_t m;
    memset(&m, 0, sizeof m); /* the kernel fills 8 of glibc's 128 bytes */
    CHECK(sigprocmask(SIG_BLOCK, NULL, &m) == 0);
    return m;
}

static void block(int sig, int how)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    CHECK(sigprocmask(how, &s, NULL) == 0);
}

/* ---- siginfo ---- */

static volatile sig_atomic_t got_count;
static volatile siginfo_t got_info;
static volatile int got_sig;

static void record(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    memcpy((void *)&got_info, si, sizeof *si);
    got_count++;
}

static void siginfo_contents(void)
{
    set_handler(SIGUSR1, record, 0, NULL);
    got_count = 0;
    CHECK(kill(getpid(), SIGUSR1) == 0);
    /* Delivered before kill returns (a signal to oneself, unblocked). */
    CHECK(got_count == 1);
    CHECK(got_sig == SIGUSR1 && got_info.si_signo == SIGUSR1);
    CHECK(got_info.si_code == SI_USER);
    CHECK(got_info.si_pid == getpid());
    CHECK(got_info.si_uid == getuid());

    got_count = 0;
    CHECK(raise(SIGUSR1) == 0);
    CHECK(got_count == 1);
    CHECK(got_info.si_code == SI_TKILL);
    CHECK(got_info.si_pid == getpid());

    got_count = 0;
    CHECK(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1) == 0);
    CHECK(got_count == 1 && got_info.si_code == SI_TKILL);

    got_count = 0;
    union sigval v = {.sival_int = 1234};
    CHECK(sigqueue(getpid(), SIGUSR1, v) == 0);
    CHECK(got_count == 1);
    CHECK(got_info.si_code == SI_QUEUE);
    CHECK(got_info.si_value.sival_int == 1234);
    CHECK(got_info.si_pid == getpid());

    /* Raw rt_sigqueueinfo to ourselves with our own siginfo. */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_ptr = (void *)0x1122334455667788ULL;
    got_count = 0;
    CHECK(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si) == 0);
    CHECK(got_count == 1);
    CHECK(got_info.si_code == SI_QUEUE);
    CHECK(got_info.si_value.sival_ptr == (void *)0x1122334455667788ULL);
    /* rt_sigqueueinfo: bad pointer, bad signal. */
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, BAD_PTR), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, getpid(), 65, &si), EINVAL);

    /* From another process: si_pid is the sender. */
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &m, NULL) == 0);
    set_handler(SIGUSR2, record, 0, NULL);
    got_count = 0;
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        union sigval cv = {.sival_int = 77};
        _exit(sigqueue(getppid(), SIGUSR2, cv) == 0 ? 0 : 1);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(got_count == 0); /* blocked */
    CHECK(sigprocmask(SIG_UNBLOCK, &m, NULL) == 0);
    CHECK(got_count == 1);
    CHECK(got_info.si_signo == SIGUSR2 && got_info.si_pid == child);
    CHECK(got_info.si_code == SI_QUEUE && got_info.si_value.sival_int == 77);
    set_default(SIGUSR1);
    set_default(SIGUSR2);
}

/* ---- registers across a handler ---- */

static volatile unsigned handler_mxcsr;
static volatile unsigned short handler_fpucw;

static void clobber(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    handler_mxcsr = m;
    unsigned short cw0;
    __asm__ volatile("fnstcw %0" : "=m"(cw0));
    handler_fpucw = cw0;
    unsigned odd = 0x7f80 | 0x6000; /* round toward zero */
    __asm__ volatile("ldmxcsr %0" ::"m"(odd));
    /* Every xmm register and every caller-saved general register gets garbage. */
    __asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n\t"
                     "movdqa %%xmm0, %%xmm1\n\tmovdqa %%xmm0, %%xmm2\n\tmovdqa %%xmm0, %%xmm3\n\t"
                     "movdqa %%xmm0, %%xmm4\n\tmovdqa %%xmm0, %%xmm5\n\tmovdqa %%xmm0, %%xmm6\n\t"
                     "movdqa %%xmm0, %%xmm7\n\tmovdqa %%xmm0, %%xmm8\n\tmovdqa %%xmm0, %%xmm9\n\t"
                     "movdqa %%xmm0, %%xmm10\n\tmovdqa %%xmm0, %%xmm11\n\t"
                     "movdqa %%xmm0, %%xmm12\n\tmovdqa %%xmm0, %%xmm13\n\t"
                     "movdqa %%xmm0, %%xmm14\n\tmovdqa %%xmm0, %%xmm15\n\t"
                     "mov $-1, %%rax\n\tmov $-1, %%rcx\n\tmov $-1, %%rdx\n\tmov $-1, %%rsi\n\t"
                     "mov $-1, %%rdi\n\tmov $-1, %%r8\n\tmov $-1, %%r9\n\tmov $-1, %%r10\n\t"
                     "mov $-1, %%r11\n\t"
                     :
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
                       "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "rax", "rcx",
                       "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
    /* x87 too: a different control word. */
    unsigned short cw = 0x0c7f;
    __asm__ volatile("fldcw %0" ::"m"(cw));
}

struct regs {
    uint64_t gp[10]; /* rbx rdx rsi rdi r8 r9 r10 r12 r13 r14, after the syscall */
    uint64_t xmm[16][2];
    unsigned mxcsr;
    unsigned short fpucw;
    /* inputs */
    uint64_t in_xmm[16][2];
    unsigned mx_in;
    unsigned short cw_in;
    long pid;
};

/* Loads known values into registers, makes the kill syscall (the handler runs on its way back),
 * and stores the registers after it. Everything is addressed through r15, which the asm keeps. */
static void registers_at_syscall(void)
{
    set_handler(SIGUSR1, clobber, 0, NULL);
    static struct regs r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < 16; i++) {
        r.in_xmm[i][0] = 0x1111111111111111ULL * (i + 1);
        r.in_xmm[i][1] = ~r.in_xmm[i][0] ^ (uint64_t)i;
    }
    r.mx_in = 0x1f80 | 0x4000; /* round up: not the default */
    r.cw_in = 0x027f;          /* 53-bit precision: not the default */
    r.pid = getpid();
    register struct regs *p __asm__("r15") = &r;
    __asm__ volatile(
        "ldmxcsr %c[mx](%%r15)\n\t"
        "fldcw %c[cw](%%r15)\n\t"
        "movdqu %c[in]+0(%%r15), %%xmm0\n\tmovdqu %c[in]+16(%%r15), %%xmm1\n\t"
        "movdqu %c[in]+32(%%r15), %%xmm2\n\tmovdqu %c[in]+48(%%r15), %%xmm3\n\t"
        "movdqu %c[in]+64(%%r15), %%xmm4\n\tmovdqu %c[in]+80(%%r15), %%xmm5\n\t"
        "movdqu %c[in]+96(%%r15), %%xmm6\n\tmovdqu %c[in]+112(%%r15), %%xmm7\n\t"
        "movdqu %c[in]+128(%%r15), %%xmm8\n\tmovdqu %c[in]+144(%%r15), %%xmm9\n\t"
        "movdqu %c[in]+160(%%r15), %%xmm10\n\tmovdqu %c[in]+176(%%r15), %%xmm11\n\t"
        "movdqu %c[in]+192(%%r15), %%xmm12\n\tmovdqu %c[in]+208(%%r15), %%xmm13\n\t"
        "movdqu %c[in]+224(%%r15), %%xmm14\n\tmovdqu %c[in]+240(%%r15), %%xmm15\n\t"
        "mov %c[pid](%%r15), %%rdi\n\t"
        "mov $10, %%esi\n\t" /* SIGUSR1 */
        "mov $0x0101010101010101, %%rbx\n\t"
        "mov $0x0202020202020202, %%rdx\n\t"
        "mov $0x0303030303030303, %%r8\n\t"
        "mov $0x0404040404040404, %%r9\n\t"
        "mov $0x0505050505050505, %%r10\n\t"
        "mov $0x0606060606060606, %%r12\n\t"
        "mov $0x0707070707070707, %%r13\n\t"
        "mov $0x0808080808080808, %%r14\n\t"
        "mov $62, %%eax\n\t" /* kill */
        "syscall\n\t"
        "mov %%rbx, 0(%%r15)\n\tmov %%rdx, 8(%%r15)\n\tmov %%rsi, 16(%%r15)\n\t"
        "mov %%rdi, 24(%%r15)\n\tmov %%r8, 32(%%r15)\n\tmov %%r9, 40(%%r15)\n\t"
        "mov %%r10, 48(%%r15)\n\tmov %%r12, 56(%%r15)\n\tmov %%r13, 64(%%r15)\n\t"
        "mov %%r14, 72(%%r15)\n\t"
        "movdqu %%xmm0, 80(%%r15)\n\tmovdqu %%xmm1, 96(%%r15)\n\tmovdqu %%xmm2, 112(%%r15)\n\t"
        "movdqu %%xmm3, 128(%%r15)\n\tmovdqu %%xmm4, 144(%%r15)\n\tmovdqu %%xmm5, 160(%%r15)\n\t"
        "movdqu %%xmm6, 176(%%r15)\n\tmovdqu %%xmm7, 192(%%r15)\n\tmovdqu %%xmm8, 208(%%r15)\n\t"
        "movdqu %%xmm9, 224(%%r15)\n\tmovdqu %%xmm10, 240(%%r15)\n\tmovdqu %%xmm11, 256(%%r15)\n\t"
        "movdqu %%xmm12, 272(%%r15)\n\tmovdqu %%xmm13, 288(%%r15)\n\tmovdqu %%xmm14, 304(%%r15)\n\t"
        "movdqu %%xmm15, 320(%%r15)\n\t"
        "stmxcsr 336(%%r15)\n\t"
        "fnstcw 340(%%r15)\n\t"
        :
        : "r"(p), [mx] "i"(offsetof(struct regs, mx_in)), [cw] "i"(offsetof(struct regs, cw_in)),
          [in] "i"(offsetof(struct regs, in_xmm)), [pid] "i"(offsetof(struct regs, pid))
        : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
          "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
          "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
    _Static_assert(offsetof(struct regs, xmm) == 80, "layout");
    _Static_assert(offsetof(struct regs, mxcsr) == 336, "layout");
    _Static_assert(offsetof(struct regs, fpucw) == 340, "layout");
    unsigned def = 0x1f80;
    __asm__ volatile("ldmxcsr %0" ::"m"(def));
    unsigned short defcw = 0x037f;
    __asm__ volatile("fldcw %0" ::"m"(defcw));
    const uint64_t want_gp[10] = {0x0101010101010101ULL, 0x0202020202020202ULL, 10,
                                  (uint64_t)r.pid, 0x0303030303030303ULL, 0x0404040404040404ULL,
                                  0x0505050505050505ULL, 0x0606060606060606ULL,
                                  0x0707070707070707ULL, 0x0808080808080808ULL};
    for (int i = 0; i < 10; i++) {
        if (r.gp[i] != want_gp[i])
            fprintf(stderr, "gp[%d] = %#lx, want %#lx\n", i, (unsigned long)r.gp[i],
                    (unsigned long)want_gp[i]);
        CHECK(r.gp[i] == want_gp[i]);
    }
    for (int i = 0; i < 16; i++) {
        if (r.xmm[i][0] != r.in_xmm[i][0] || r.xmm[i][1] != r.in_xmm[i][1])
            fprintf(stderr, "xmm%d = %#lx:%#lx, want %#lx:%#lx\n", i, (unsigned long)r.xmm[i][1],
                    (unsigned long)r.xmm[i][0], (unsigned long)r.in_xmm[i][1],
                    (unsigned long)r.in_xmm[i][0]);
        CHECK(r.xmm[i][0] == r.in_xmm[i][0] && r.xmm[i][1] == r.in_xmm[i][1]);
    }
    CHECK((r.mxcsr & 0xffc0) == (r.mx_in & 0xffc0));
    CHECK(r.fpucw == r.cw_in);
    /* The handler starts with the default MXCSR, whatever the interrupted code had. */
    CHECK(handler_mxcsr == 0x1f80);
    CHECK(handler_fpucw == 0x037f);
    set_default(SIGUSR1);
}

/* A loop of arithmetic in registers while SIGALRM (1 ms itimer) keeps interrupting it: the
 * handler clobbers everything; each register's final value must still be i * its step. */
static volatile sig_atomic_t ticks;

static void tick(int sig, siginfo_t *si, void *uc)
{
    ticks++;
    clobber(sig, si, uc);
}

static void registers_when_preempted(void)
{
    set_handler(SIGALRM, tick, SA_RESTART, NULL);
    ticks = 0;
    struct itimerval it = {{0, 1000}, {0, 1000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    static uint64_t out[12][2];
    double start = now();
    int rounds = 0;
    while (ticks < 20 && now() - start < 20) {
        uint64_t n = 2000000;
        __asm__ volatile(
            "xor %%eax, %%eax\n\txor %%edx, %%edx\n\txor %%esi, %%esi\n\txor %%edi, %%edi\n\t"
            "xor %%r8d, %%r8d\n\txor %%r9d, %%r9d\n\txor %%r10d, %%r10d\n\txor %%r11d, %%r11d\n\t"
            "xor %%ebx, %%ebx\n\t"
            "pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\tpxor %%xmm7, %%xmm7\n\t"
            "pxor %%xmm15, %%xmm15\n\t"
            "pcmpeqd %%xmm8, %%xmm8\n\tpsrlq $63, %%xmm8\n\t" /* xmm8 = {1, 1} */
            "1:\n\t"
            "add $1, %%rax\n\tadd $2, %%rdx\n\tadd $3, %%rsi\n\tadd $4, %%rdi\n\t"
            "add $5, %%r8\n\tadd $6, %%r9\n\tadd $7, %%r10\n\tadd $8, %%r11\n\t"
            "add $9, %%rbx\n\t"
            "paddq %%xmm8, %%xmm0\n\tpaddq %%xmm8, %%xmm1\n\tpaddq %%xmm8, %%xmm1\n\t"
            "paddq %%xmm0, %%xmm7\n\t" /* triangular numbers */
            "paddq %%xmm8, %%xmm15\n\tpaddq %%xmm8, %%xmm15\n\tpaddq %%xmm8, %%xmm15\n\t"
            "dec %%rcx\n\t"
            "jnz 1b\n\t"
            "mov %%rax, 0(%[out])\n\tmov %%rdx, 16(%[out])\n\tmov %%rsi, 32(%[out])\n\t"
            "mov %%rdi, 48(%[out])\n\tmov %%r8, 64(%[out])\n\tmov %%r9, 80(%[out])\n\t"
            "mov %%r10, 96(%[out])\n\tmov %%r11, 112(%[out])\n\tmov %%rbx, 128(%[out])\n\t"
            "movdqu %%xmm0, 144(%[out])\n\tmovdqu %%xmm1, 160(%[out])\n\t"
            "movdqu %%xmm7, 176(%[out])\n\t"
            : "+c"(n)
            : [out] "r"(out)
            : "rax", "rbx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm7",
              "xmm8", "xmm15", "memory", "cc");
        const uint64_t N = 2000000;
        for (int k = 0; k < 9; k++)
            CHECK(out[k][0] == N * (k + 1));
        CHECK(out[9][0] == N && out[9][1] == N);
        CHECK(out[10][0] == 2 * N && out[10][1] == 2 * N);
        CHECK(out[11][0] == N * (N + 1) / 2 && out[11][1] == N * (N + 1) / 2);
        rounds++;
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
    CHECK(ticks >= 20);
    set_default(SIGALRM);
}

/* ---- flags ---- */

static volatile int depth, max_depth, calls;
static sigset_t mask_in_handler;

static void nesting(int sig, siginfo_t *si, void *uc)
{
    (void)si, (void)uc;
    calls++;
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (calls == 1) {
        mask_in_handler = current_mask();
        raise(sig); /* nested at once with SA_NODEFER, after we return without */
    }
    depth--;
}

static void handler_flags(void)
{
    /* SA_RESETHAND: one delivery, then back to SIG_DFL (and SA_SIGINFO... gone too). */
    set_handler(SIGUSR1, record, SA_RESETHAND, NULL);
    got_count = 0;
    raise(SIGUSR1);
    CHECK(got_count == 1);
    struct sigaction sa;
    CHECK(sigaction(SIGUSR1, NULL, &sa) == 0);
    CHECK(sa.sa_handler == SIG_DFL);

    /* Without SA_NODEFER: the signal is blocked in its handler, the raise waits for the return. */
    set_handler(SIGUSR1, nesting, 0, (const int[]){SIGUSR2, SIGHUP, 0});
    sigset_t before = current_mask();
    depth = max_depth = calls = 0;
    raise(SIGUSR1);
    CHECK(calls == 2 && max_depth == 1);
    CHECK(sigismember(&mask_in_handler, SIGUSR1) == 1);
    CHECK(sigismember(&mask_in_handler, SIGUSR2) == 1);
    CHECK(sigismember(&mask_in_handler, SIGHUP) == 1);
    CHECK(sigismember(&mask_in_handler, SIGTERM) == 0);
    /* The mask is back after the handler. */
    sigset_t after = current_mask();
    CHECK(memcmp(&before, &after, sizeof before) == 0);
    CHECK(sigismember(&after, SIGUSR1) == 0);

    /* With SA_NODEFER: nested. */
    set_handler(SIGUSR1, nesting, SA_NODEFER, NULL);
    depth = max_depth = calls = 0;
    raise(SIGUSR1);
    CHECK(calls == 2 && max_depth == 2);
    CHECK(sigismember(&mask_in_handler, SIGUSR1) == 0);
    set_default(SIGUSR1);

    /* An ignored signal is dropped; an ignored blocked one does not stay pending once ignored. */
    signal(SIGUSR2, SIG_IGN);
    CHECK(raise(SIGUSR2) == 0);
    signal(SIGUSR2, SIG_DFL);
}

/* ---- blocking and pending ---- */

static volatile int order[16], norder;

static void note_order(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (norder < 16)
        order[norder++] = sig * 1000 + si->si_value.sival_int;
}

static void block_pending_unblock(void)
{
    set_handler(SIGUSR1, record, 0, NULL);
    block(SIGUSR1, SIG_BLOCK);
    got_count = 0;
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1); /* standard signals do not queue */
    CHECK(got_count == 0);
    sigset_t pending;
    CHECK(sigpending(&pending) == 0);
    CHECK(sigismember(&pending, SIGUSR1) == 1);
    CHECK(sigismember(&pending, SIGUSR2) == 0);
    block(SIGUSR1, SIG_UNBLOCK); /* delivered before sigprocmask returns */
    CHECK(got_count == 1);
    CHECK(sigpending(&pending) == 0);
    CHECK(sigismember(&pending, SIGUSR1) == 0);
    /* The thread's own queue (raise: tgkill) and the process's (kill) are separate. */
    block(SIGUSR1, SIG_BLOCK);
    got_count = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1) == 1);
    block(SIGUSR1, SIG_UNBLOCK);
    CHECK(got_count == 2);

    /* Real-time signals queue, each with its value, FIFO per signal. */
    int rt1 = SIGRTMIN + 2, rt2 = SIGRTMIN + 3;
    set_handler(rt1, note_order, 0, NULL);
    set_handler(rt2, note_order, 0, NULL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, rt1);
    sigaddset(&s, rt2);
    CHECK(sigprocmask(SIG_BLOCK, &s, NULL) == 0);
    norder = 0;
    for (int i = 1; i <= 3; i++) {
        CHECK(sigqueue(getpid(), rt2, (union sigval){.sival_int = i}) == 0);
        CHECK(sigqueue(getpid(), rt1, (union sigval){.sival_int = 10 + i}) == 0);
    }
    CHECK(norder == 0);
    CHECK(sigprocmask(SIG_UNBLOCK, &s, NULL) == 0);
    CHECK(norder == 6);
    /* (How handlers of different signals interleave is the kernel's business: Linux stacks a
     * frame for each deliverable signal, so the last one set up runs first.) */
    int next1 = 11, next2 = 1;
    for (int i = 0; i < 6; i++) {
        if (order[i] / 1000 == rt1)
            CHECK(order[i] % 1000 == next1++);
        else
            CHECK(order[i] / 1000 == rt2 && order[i] % 1000 == next2++);
    }
    CHECK(next1 == 14 && next2 == 4);

    /* The order of dequeueing, seen with sigtimedwait: standard signals first, then real-time
     * ones by number, each real-time signal first in first out. */
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGHUP);
    CHECK(sigprocmask(SIG_BLOCK, &s, NULL) == 0);
    CHECK(sigqueue(getpid(), rt2, (union sigval){.sival_int = 1}) == 0);
    CHECK(sigqueue(getpid(), rt1, (union sigval){.sival_int = 2}) == 0);
    CHECK(sigqueue(getpid(), rt2, (union sigval){.sival_int = 3}) == 0);
    CHECK(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 4}) == 0);
    CHECK(sigqueue(getpid(), rt1, (union sigval){.sival_int = 5}) == 0);
    CHECK(sigqueue(getpid(), SIGHUP, (union sigval){.sival_int = 6}) == 0);
    static const int want[6][2] = {{SIGHUP, 6}, {SIGUSR1, 4}, {-1, 2}, {-1, 5}, {-2, 1}, {-2, 3}};
    for (int i = 0; i < 6; i++) {
        int want_sig = want[i][0] == -1 ? rt1 : want[i][0] == -2 ? rt2 : want[i][0];
        siginfo_t si;
        struct timespec zero = {0, 0};
        int got = sigtimedwait(&s, &si, &zero);
        if (got != want_sig || si.si_value.sival_int != want[i][1])
            fprintf(stderr, "dequeue #%d: signal %d value %d, want %d value %d\n", i, got,
                    si.si_value.sival_int, want_sig, want[i][1]);
        CHECK(got == want_sig && si.si_value.sival_int == want[i][1]);
    }
    CHECK(sigpending(&pending) == 0);
    CHECK(!sigismember(&pending, rt1) && !sigismember(&pending, rt2));
    CHECK(sigprocmask(SIG_UNBLOCK, &s, NULL) == 0);
    set_default(SIGUSR1);
    set_default(rt1);
    set_default(rt2);

    /* SIGKILL and SIGSTOP cannot be blocked. */
    sigset_t all;
    sigfillset(&all);
    sigset_t old;
    CHECK(sigprocmask(SIG_SETMASK, &all, &old) == 0);
    sigset_t now_mask = current_mask();
    CHECK(sigismember(&now_mask, SIGKILL) == 0 && sigismember(&now_mask, SIGSTOP) == 0);
    CHECK(sigismember(&now_mask, SIGTERM) == 1);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
}

/* ---- waiting for signals ---- */

static void waiting(void)
{
    /* sigsuspend: SIGUSR1 blocked, a child sends it, sigsuspend with it unblocked returns EINTR
     * after the handler, and the old mask is back. */
    set_handler(SIGUSR1, record, 0, NULL);
    block(SIGUSR1, SIG_BLOCK);
    got_count = 0;
    pid_t parent = getpid();
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    sigset_t empty;
    sigemptyset(&empty);
    CHECK_ERR(sigsuspend(&empty), EINTR);
    CHECK(got_count == 1 && got_info.si_pid == child);
    sigset_t m = current_mask();
    CHECK(sigismember(&m, SIGUSR1) == 1);
    CHECK(waitpid(child, NULL, 0) == child);

    /* sigtimedwait with nothing pending: EAGAIN after the timeout. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    struct timespec ts = {0, 50 * 1000000L};
    siginfo_t si;
    double start = now();
    CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
    double took = now() - start;
    CHECK(took >= 0.049 && took < 5);
    /* Zero timeout: a poll. */
    ts.tv_nsec = 0;
    CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
    /* Already pending: taken at once, without running the handler. */
    got_count = 0;
    CHECK(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 99}) == 0);
    ts.tv_sec = 5;
    CHECK(sigtimedwait(&set, &si, &ts) == SIGUSR1);
    CHECK(si.si_signo == SIGUSR1 && si.si_code == SI_QUEUE && si.si_value.sival_int == 99);
    CHECK(got_count == 0);
    sigset_t pending;
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1) == 0);
    /* Arriving while waiting (from a child). */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct timespec d = {0, 30 * 1000000L};
        nanosleep(&d, NULL);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    CHECK(sigwaitinfo(&set, &si) == SIGUSR1);
    CHECK(si.si_pid == child && si.si_code == SI_USER);
    CHECK(got_count == 0);
    CHECK(waitpid(child, NULL, 0) == child);
    /* Bad timeout. */
    ts.tv_sec = 0;
    ts.tv_nsec = 1000000000;
    CHECK_ERR(sigtimedwait(&set, &si, &ts), EINVAL);
    block(SIGUSR1, SIG_UNBLOCK);
    set_default(SIGUSR1);
}

/* ---- sigaltstack ---- */

static char *alt_base;
static size_t alt_size;
static volatile int on_alt, alt_flags_in_handler;

static void where_am_i(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    char local;
    on_alt = &local >= alt_base && &local < alt_base + alt_size;
    stack_t ss;
    sigaltstack(NULL, &ss);
    alt_flags_in_handler = ss.ss_flags;
}

static void alternate_stack(void)
{
    alt_size = 64 * 1024;
    alt_base = malloc(alt_size);
    CHECK(alt_base != NULL);
    stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
    CHECK(sigaltstack(&ss, NULL) == 0);
    stack_t cur;
    CHECK(sigaltstack(NULL, &cur) == 0);
    CHECK(cur.ss_sp == alt_base && cur.ss_size == alt_size && cur.ss_flags == 0);

    set_handler(SIGUSR1, where_am_i, SA_ONSTACK, NULL);
    on_alt = -1;
    raise(SIGUSR1);
    CHECK(on_alt == 1);
    CHECK(alt_flags_in_handler == SS_ONSTACK);
    CHECK(sigaltstack(NULL, &cur) == 0 && cur.ss_flags == 0);

    /* Without SA_ONSTACK the handler uses the normal stack. */
    set_handler(SIGUSR1, where_am_i, 0, NULL);
    on_alt = -1;
    raise(SIGUSR1);
    CHECK(on_alt == 0);
    CHECK(alt_flags_in_handler == 0);

    /* Too small, bad flags. */
    stack_t small = {.ss_sp = alt_base, .ss_size = 512, .ss_flags = 0};
    CHECK_ERR(sigaltstack(&small, NULL), ENOMEM);
    stack_t bad = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0x1234};
    CHECK_ERR(sigaltstack(&bad, NULL), EINVAL);

    stack_t off = {.ss_flags = SS_DISABLE};
    CHECK(sigaltstack(&off, NULL) == 0);
    CHECK(sigaltstack(NULL, &cur) == 0 && cur.ss_flags == SS_DISABLE);
    set_default(SIGUSR1);
    free(alt_base);
}

/* Nested handlers on the alternate stack: the inner frame goes below the outer one, on the same
 * stack (not back at its top). */
static volatile uintptr_t outer_at, inner_at;

static void inner_handler(int sig)
{
    (void)sig;
    char local;
    inner_at = (uintptr_t)&local;
}

static void outer_handler(int sig)
{
    (void)sig;
    char local;
    outer_at = (uintptr_t)&local;
    raise(SIGUSR2);
}

static void nested_on_alt_stack(void)
{
    static char stack[64 * 1024];
    stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack, .ss_flags = 0};
    CHECK(sigaltstack(&ss, NULL) == 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_ONSTACK;
    sa.sa_handler = outer_handler;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    sa.sa_handler = inner_handler;
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    outer_at = inner_at = 0;
    raise(SIGUSR1);
    uintptr_t lo = (uintptr_t)stack, hi = lo + sizeof stack;
    CHECK(outer_at >= lo && outer_at < hi);
    CHECK(inner_at >= lo && inner_at < hi);
    CHECK(inner_at < outer_at);
    stack_t off = {.ss_flags = SS_DISABLE};
    CHECK(sigaltstack(&off, NULL) == 0);
    set_default(SIGUSR1);
    set_default(SIGUSR2);
}

/* The ABI's stack alignment at handler entry: (rsp + 8) % 16 == 0, so the frame pointer is
 * 16-aligned. */
static volatile uintptr_t handler_frame;

static void frame_handler(int sig)
{
    (void)sig;
    handler_frame = (uintptr_t)__builtin_frame_address(0);
}

static void handler_alignment(void)
{
    signal(SIGUSR1, frame_handler);
    for (int i = 0; i < 4; i++) {
        /* Vary the interrupted stack's alignment. */
        volatile char *pad = __builtin_alloca(1 + i * 8);
        pad[0] = 0;
        handler_frame = 1;
        raise(SIGUSR1);
        CHECK(handler_frame != 1);
        CHECK((handler_frame & 15) == 0);
    }
    set_default(SIGUSR1);
}

/* A handler that edits its ucontext: the signal mask to restore. */
static void block_usr2_on_return(int sig, siginfo_t *si, void *ucv)
{
    (void)sig, (void)si;
    ucontext_t *uc = ucv;
    sigaddset(&uc->uc_sigmask, SIGUSR2);
}

static void ucontext_mask(void)
{
    set_handler(SIGUSR1, block_usr2_on_return, 0, NULL);
    block(SIGUSR2, SIG_UNBLOCK);
    raise(SIGUSR1);
    sigset_t m = current_mask();
    CHECK(sigismember(&m, SIGUSR2) == 1);
    CHECK(sigismember(&m, SIGUSR1) == 0);
    block(SIGUSR2, SIG_UNBLOCK);
    set_default(SIGUSR1);
}

/* fork: the child inherits handlers and the mask, not pending signals. */
static void fork_inheritance(void)
{
    set_handler(SIGUSR1, record, 0, NULL);
    block(SIGUSR1, SIG_BLOCK);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        sigset_t pending, mask;
        sigemptyset(&pending);
        sigpending(&pending);
        mask = current_mask();
        struct sigaction sa;
        sigaction(SIGUSR1, NULL, &sa);
        int bad = sigismember(&pending, SIGUSR1) * 1 + !sigismember(&mask, SIGUSR1) * 2 +
                  (sa.sa_sigaction != record) * 4;
        _exit(bad);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "fork child: status %#x (1 pending kept, 2 mask lost, 4 handler lost)\n",
                status);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    got_count = 0;
    block(SIGUSR1, SIG_UNBLOCK);
    CHECK(got_count == 2); /* ours are still pending: the thread's and the process's */
    set_default(SIGUSR1);
}

/* ---- kill targets ---- */

static void kill_targets(void)
{
    /* kill(0) and kill(-pgrp) reach the whole group: done in a child that leads its own group, so
     * nothing else (natively: the test's runner) gets the signal. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        CHECK(setpgid(0, 0) == 0);
        set_handler(SIGUSR1, record, 0, NULL);
        got_count = 0;
        CHECK(kill(0, SIGUSR1) == 0); /* our process group: includes us */
        CHECK(got_count == 1 && got_info.si_code == SI_USER && got_info.si_pid == getpid());
        CHECK(kill(-getpgrp(), SIGUSR1) == 0);
        CHECK(got_count == 2);
        CHECK(killpg(getpgrp(), SIGUSR1) == 0);
        CHECK(got_count == 3);
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    set_handler(SIGUSR1, record, 0, NULL);
    got_count = 3;
    /* Signal 0: only the checks. */
    CHECK(kill(getpid(), 0) == 0);
    CHECK(got_count == 3);
    CHECK_ERR(kill(getpid(), 65), EINVAL);
    CHECK_ERR(kill(getpid(), -1), EINVAL);
    CHECK_ERR(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 65), EINVAL);
    CHECK_ERR(syscall(SYS_tgkill, getpid() + 100000, syscall(SYS_gettid), 0), ESRCH);
    /* A pid that existed and was reaped. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(0);
    CHECK(waitpid(child, NULL, 0) == child);
    CHECK_ERR(kill(child, SIGUSR1), ESRCH);
    CHECK_ERR(kill(child, 0), ESRCH);
    CHECK_ERR(kill(-child, SIGUSR1), ESRCH); /* no such group */
    CHECK_ERR(syscall(SYS_tkill, child, SIGUSR1), ESRCH);
    set_default(SIGUSR1);
}

int main(void)
{
    siginfo_contents();
    registers_at_syscall();
    registers_when_preempted();
    handler_flags();
    block_pending_unblock();
    waiting();
    alternate_stack();
    nested_on_alt_stack();
    handler_alignment();
    ucontext_mask();
    fork_inheritance();
    kill_targets();
    printf("signals: ok\n");
    return 0;
}
