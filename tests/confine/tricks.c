/* Register and mode tricks a hostile guest can play on the hosted backend's stub.
 *
 *   tricks CASE [CANARY_DIR] [--native]
 *
 *   tf        EFLAGS.TF set across munmap: the unmapped page must fault afterwards (a stub
 *             batch run single-stepped must not drop the unmap).
 *   mode32    far return to the 32-bit code selector 0x23 and touch a fresh page: Linux runs
 *             it; Asterix, which has no 32-bit mode, may kill the guest with SIGSEGV; the kernel
 *             must neither livelock nor die.
 *   vsyscall  call the three legacy vsyscall entries: Linux returns the time (or gives
 *             SIGSEGV with vsyscall=none); never a dead address space.
 *   stubpoke  overwrite the stub's pages where the guest can reach them, then map, unmap and
 *             fork: the guest's memory stays right (or the guest alone dies), the kernel lives.
 *   stubjump  jump into the stub's code with garbage registers: only the guest dies.
 *   int80     int $0x80 from 64-bit code uses the 32-bit table (i386 getpid is 20), gives
 *             ENOSYS, or is a general protection fault (SIGSEGV) as on a Linux without IA32
 *             emulation; i386 mkdir (39) on a host path never reaches the host.
 *   sysenter  sysenter with i386 mkdir on a host path: the guest may die or get an error, the
 *             host never sees the call.
 *   orphan    an orphan made with clone(exit_signal=SIGKILL) is reparented to us (pid 1, or a
 *             subreaper natively) and exits: Linux resets its exit signal to SIGCHLD, so we
 *             live. (The fuzzer found this one: issue [2 of 11] item 6.)
 * Each case runs in a child with an alarm; prints "FAIL ..." on a failure, exits 0 when the
 * case held. --native skips what would really act on the host natively (int80/sysenter mkdir).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define STUB_CODE 0x7ffffff00000ull
#define STUB_DATA 0x7ffffff01000ull

static sigjmp_buf fault_jump;
static volatile int traps;

static void on_fault(int sig)
{
    siglongjmp(fault_jump, sig);
}

/* Whether reading addr faults. */
static int faults(volatile const char *addr)
{
    signal(SIGSEGV, on_fault);
    signal(SIGBUS, on_fault);
    if (sigsetjmp(fault_jump, 1) != 0)
        return 1;
    (void)*addr;
    return 0;
}

extern char tf_after_syscall[];

static void on_trap(int sig, siginfo_t *info, void *context)
{
    (void)sig, (void)info;
    ucontext_t *uc = context;
    traps++;
    /* Stop stepping once past the syscall (or after many steps, whatever happened). */
    if (uc->uc_mcontext.gregs[REG_RIP] == (greg_t)tf_after_syscall || traps > 100)
        uc->uc_mcontext.gregs[REG_EFL] &= ~0x100;
}

static int case_tf(void)
{
    struct sigaction sa = {.sa_sigaction = on_trap, .sa_flags = SA_SIGINFO};
    sigaction(SIGTRAP, &sa, NULL);
    const size_t len = 64 * 4096;
    for (int round = 0; round < 20; round++) {
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return printf("FAIL tf: mmap: %s\n", strerror(errno)), 1;
        memset(p, 0x5a, len);
        long ret;
        /* popf sets TF right before the syscall, so the syscall itself runs with it. */
        __asm__ volatile("pushfq\n\t"
                         "orq $0x100, (%%rsp)\n\t"
                         "popfq\n\t"
                         "syscall\n"
                         ".globl tf_after_syscall\n"
                         "tf_after_syscall:\n\t"
                         "nop"
                         : "=a"(ret)
                         : "a"((long)SYS_munmap), "D"(p), "S"(len)
                         : "rcx", "r11", "memory", "cc");
        if (ret != 0)
            return printf("FAIL tf: munmap gave %ld\n", ret), 1;
        for (size_t off = 0; off < len; off += 4096)
            if (!faults(p + off))
                return printf("FAIL tf: page %zu still readable after munmap with TF set\n",
                              off / 4096),
                       1;
    }
    if (traps == 0)
        return printf("FAIL tf: no SIGTRAP after a syscall with TF set\n"), 1;
    return 0;
}

extern void mode32_run(volatile uint32_t *target);
static volatile uint64_t mode32_saved_rsp;
__asm__(".text\n"
        ".globl mode32_run\n"
        "mode32_run:\n\t"
        "push %rbx\n\t"
        "mov %rsp, mode32_saved_rsp(%rip)\n\t"
        "mov $0x2b, %eax\n\t"
        "mov %eax, %ds\n\t"
        "mov %eax, %es\n\t"
        "pushq $0x23\n\t"
        "lea mode32_code(%rip), %rax\n\t"
        "push %rax\n\t"
        "lretq\n"
        ".code32\n"
        "mode32_code:\n\t"
        "movl $0x32323232, (%edi)\n\t"
        "ljmp $0x33, $mode32_back\n"
        ".code64\n"
        "mode32_back:\n\t"
        "mov mode32_saved_rsp(%rip), %rsp\n\t"
        "pop %rbx\n\t"
        "ret\n");

/* Runs `body` in a child: 0 when it returned 0 or died of SIGSEGV (how a kernel without the
 * 32-bit ABI answers), 1 otherwise. */
static int held_or_segv(const char *name, int (*body)(void))
{
    pid_t child = fork();
    if (child == 0)
        _exit(body());
    int status = 0;
    if (waitpid(child, &status, 0) != child)
        return printf("FAIL %s: waitpid: %s\n", name, strerror(errno)), 1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
        return 0;
    return printf("FAIL %s: status %#x\n", name, status), 1;
}

static int mode32_body(void)
{
    /* A fresh page below 4 GiB that 32-bit code touches first. */
    volatile uint32_t *target = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (target == MAP_FAILED)
        return printf("FAIL mode32: mmap MAP_32BIT: %s\n", strerror(errno)), 1;
    mode32_run(target);
    if (*target != 0x32323232)
        return printf("FAIL mode32: the 32-bit store did not land\n"), 1;
    return 0;
}

static int case_mode32(void) { return held_or_segv("mode32", mode32_body); }

static int case_vsyscall(void)
{
    struct timeval tv = {0, 0};
    long (*gtod)(struct timeval *, void *) = (void *)0xffffffffff600000ull;
    long (*vtime)(long *) = (void *)0xffffffffff600400ull;
    long (*vgetcpu)(unsigned *, unsigned *, void *) = (void *)0xffffffffff600800ull;
    long r = gtod(&tv, NULL);
    if (r != 0 || tv.tv_sec < 1000000000)
        return printf("FAIL vsyscall gettimeofday gave %ld, %ld\n", r, (long)tv.tv_sec), 1;
    long t = vtime(NULL);
    if (t < 1000000000)
        return printf("FAIL vsyscall time gave %ld\n", t), 1;
    unsigned cpu = 99999;
    r = vgetcpu(&cpu, NULL, NULL);
    if (r != 0 || cpu == 99999)
        return printf("FAIL vsyscall getcpu gave %ld\n", r), 1;
    return 0;
}

static int case_stubpoke(void)
{
    /* Natively these pages are unmapped: a fault is the answer there. */
    uint64_t pages[] = {STUB_CODE, STUB_DATA};
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 2; i++) {
        volatile uint64_t *p = (volatile uint64_t *)pages[i];
        signal(SIGSEGV, on_fault);
        if (sigsetjmp(fault_jump, 1) == 0)
            for (int j = 0; j < 512; j++)
                p[j] = (x = x * 6364136223846793005ull + 1442695040888963407ull);
    }
    /* The kernel must still keep our memory right. */
    for (int round = 0; round < 50; round++) {
        char *a = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (a == MAP_FAILED)
            return printf("FAIL stubpoke: mmap: %s\n", strerror(errno)), 1;
        for (int i = 0; i < 8 * 4096; i += 4096)
            if (a[i] != 0)
                return printf("FAIL stubpoke: a fresh page is not zero\n"), 1;
        memset(a, 1, 8 * 4096);
        if (munmap(a, 4 * 4096) != 0 || !faults(a))
            return printf("FAIL stubpoke: an unmapped page is still readable\n"), 1;
        if (mprotect(a + 4 * 4096, 4096, PROT_NONE) != 0 || !faults(a + 4 * 4096))
            return printf("FAIL stubpoke: a PROT_NONE page is readable\n"), 1;
        munmap(a, 8 * 4096);
    }
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
        return printf("FAIL stubpoke: fork after poking gave status %#x\n", status), 1;
    return 0;
}

static int case_stubjump(void)
{
    /* Run in a grandchild: it is expected to die. */
    pid_t pid = fork();
    if (pid == 0) {
        __asm__ volatile("mov $0xdeadbeef, %%rsp\n\t"
                         "mov $9, %%eax\n\t"
                         "mov $-1, %%rdi\n\t"
                         "jmp *%0"
                         :
                         : "r"((uint64_t)STUB_CODE)
                         : "memory");
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return printf("FAIL stubjump: waitpid: %s\n", strerror(errno)), 1;
    if (!WIFSIGNALED(status))
        return printf("FAIL stubjump: a jump into the stub did not end in a signal (%#x)\n",
                      status),
               1;
    pid = fork();
    if (pid == 0)
        _exit(3);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 3)
        return printf("FAIL stubjump: the kernel no longer forks\n"), 1;
    return 0;
}

/* A copy of the canary path below 4 GiB, where 32-bit calls can name it. */
static uint32_t low_path(const char *canary_dir, const char *name)
{
    char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
                     -1, 0);
    if (low == MAP_FAILED)
        return 0;
    snprintf(low, 4096, "%s/%s", canary_dir, name);
    return (uint32_t)(uintptr_t)low;
}

static const char *int80_canary;
static int int80_native;

static int int80_body(void)
{
    const char *canary_dir = int80_canary;
    int native = int80_native;
    long pid = getpid(), r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
    if (r != pid && r != -ENOSYS)
        return printf("FAIL int80: i386 getpid (20) gave %ld, want %ld or -ENOSYS\n", r, pid), 1;
    if (!native && canary_dir) {
        uint32_t path = low_path(canary_dir, "int80");
        __asm__ volatile("int $0x80" : "=a"(r) : "a"(39L), "b"(path), "c"(0755) : "memory");
        if (r >= 0 && r != pid)
            return printf("FAIL int80: i386 mkdir on a host path gave %ld\n", r), 1;
    }
    return 0;
}

static int case_int80(const char *canary_dir, int native)
{
    int80_canary = canary_dir;
    int80_native = native;
    return held_or_segv("int80", int80_body);
}

static int case_sysenter(const char *canary_dir)
{
    uint32_t path = low_path(canary_dir, "sysenter");
    pid_t child = fork();
    if (child == 0) {
        long r;
        __asm__ volatile("mov %%rsp, %%rbp\n\t"
                         "sysenter"
                         : "=a"(r)
                         : "a"(39L), "b"(path), "c"(0755)
                         : "rbp", "memory");
        _exit(r == -ENOSYS || r < 0 ? 0 : 1);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child)
        return printf("FAIL sysenter: waitpid: %s\n", strerror(errno)), 1;
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return printf("FAIL sysenter: i386 mkdir on a host path succeeded\n"), 1;
    return 0;
}

static int case_orphan(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    pid_t middle = fork();
    if (middle == 0) {
        /* The grandchild outlives its parent, then exits with SIGKILL as its exit signal. */
        long r = syscall(SYS_clone, (long)SIGKILL, 0L, 0L, 0L, 0L);
        if (r == 0) {
            struct timespec ts = {0, 100000000};
            nanosleep(&ts, NULL);
            _exit(0);
        }
        _exit(r > 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(middle, &status, 0);
    /* Reap the orphan (it becomes ours), with a bound. */
    for (int i = 0; i < 100; i++) {
        if (waitpid(-1, &status, WNOHANG | __WALL) > 0)
            return 0;
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
    }
    return printf("FAIL orphan: the orphan was never reaped\n"), 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tricks CASE [CANARY_DIR] [--native]\n");
        return 100;
    }
    const char *name = argv[1];
    const char *canary_dir = argc > 2 && strcmp(argv[2], "--native") ? argv[2] : NULL;
    int native = !strcmp(argv[argc - 1], "--native");
    pid_t pid = fork();
    if (pid == 0) {
        alarm(20);
        int r = 100;
        if (!strcmp(name, "tf"))
            r = case_tf();
        else if (!strcmp(name, "mode32"))
            r = case_mode32();
        else if (!strcmp(name, "vsyscall"))
            r = case_vsyscall();
        else if (!strcmp(name, "stubpoke"))
            r = case_stubpoke();
        else if (!strcmp(name, "stubjump"))
            r = case_stubjump();
        else if (!strcmp(name, "int80"))
            r = case_int80(canary_dir, native);
        else if (!strcmp(name, "orphan"))
            r = case_orphan();
        else if (!strcmp(name, "sysenter") && canary_dir)
            r = case_sysenter(canary_dir);
        fflush(stdout);
        _exit(r);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        /* Linux's vsyscall=none answer, and the stub's pages being unmapped natively. */
        if ((sig == SIGSEGV && !strcmp(name, "vsyscall")))
            return 0;
        printf("FAIL %s: the case died from signal %d (%s)\n", name, sig, strsignal(sig));
        return 1;
    }
    return WEXITSTATUS(status);
}
