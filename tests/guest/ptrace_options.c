/* ptrace(2) requests and stops that gdb and strace lean on, each against what Linux does:
 * PTRACE_O_TRACECLONE (a thread), TRACEVFORK with TRACEVFORKDONE, EXITKILL, SYSEMU and
 * SYSEMU_SINGLESTEP, ATTACH and DETACH with a signal, KILL, SETSIGINFO, GETREGSET/SETREGSET of
 * the FPU regsets, ARCH_PRCTL, /proc/PID/mem and /proc/PID/auxv, ignored signals' stops, a
 * seized tracee's group stop, INTERRUPT of a tracee running in user mode, and a traced
 * process's syscall sites (never patched under Asterix: the tracer sees the program's bytes
 * and every syscall where the program makes it). */
#include "check.h"

#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <asm/prctl.h>

#define EVENT(status) ((unsigned)(status) >> 16)

static volatile long shared_word = 0x1111;

static int wait_stop(pid_t pid)
{
    int status = 0;
    CHECK(waitpid(pid, &status, __WALL) == pid);
    if (!WIFSTOPPED(status))
        fprintf(stderr, "not a stop: status %#x\n", status);
    CHECK(WIFSTOPPED(status));
    return status;
}

/* A child that stops itself, for the tracer to seize (or that traces itself with TRACEME). */
static pid_t fork_stopped(int is_traceme, void (*body)(void))
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (is_traceme && ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
            _exit(100);
        kill(getpid(), SIGSTOP);
        body();
        _exit(0);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, WSTOPPED | __WALL) == pid && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    return pid;
}

static void *thread_main(void *arg) { return arg; }

/* A pipe whose write end only the tracee holds: its end of file says the tracee ended. */
static int ended_pipe[2] = {-1, -1};

static void make_thread(void)
{
    if (ended_pipe[0] >= 0)
        close(ended_pipe[0]);
    pthread_t thread;
    if (pthread_create(&thread, 0, thread_main, 0) != 0 || pthread_join(thread, 0) != 0)
        _exit(110);
}

/* Seizes a stopped child with `options`, lets it go and follows every stop until the child's
 * end, resuming each; counts the events and the other threads' starts and ends. */
struct Seen {
    int events[PTRACE_EVENT_STOP + 1];
    unsigned long messages[PTRACE_EVENT_STOP + 1];
    int other_ends;
    int exit_code;
};

static void follow(pid_t pid, long options, struct Seen *seen)
{
    memset(seen, 0, sizeof(*seen));
    CHECK(ptrace(PTRACE_SEIZE, pid, 0, (void *)options) == 0);
    CHECK(kill(pid, SIGCONT) == 0);
    for (;;) {
        int status = 0;
        pid_t who = waitpid(-1, &status, __WALL);
        CHECK(who > 0);
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (who == pid) {
                seen->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                return;
            }
            ++seen->other_ends;
            continue;
        }
        CHECK(WIFSTOPPED(status));
        int event = EVENT(status), sig = 0;
        CHECK(event <= PTRACE_EVENT_STOP);
        ++seen->events[event];
        if (event != 0 && event != PTRACE_EVENT_STOP)
            CHECK(ptrace(PTRACE_GETEVENTMSG, who, 0, &seen->messages[event]) == 0);
        if (event == 0)
            sig = WSTOPSIG(status) == SIGSTOP ? 0 : WSTOPSIG(status);
        /* A stop that is not a trap is a group stop: nothing to resume it into but LISTEN. */
        if (event == PTRACE_EVENT_STOP && WSTOPSIG(status) != SIGTRAP) {
            CHECK(ptrace(PTRACE_LISTEN, who, 0, 0) == 0);
            continue;
        }
        CHECK(ptrace(PTRACE_CONT, who, 0, (void *)(long)sig) == 0);
    }
}

static void do_vfork(void)
{
    pid_t child = vfork();
    if (child == 0)
        _exit(9);
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 9)
        _exit(111);
}

static void do_nothing(void) {}

static volatile int delivered_value = 0;
static void on_usr2(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    delivered_value = info->si_value.sival_int;
}

static void raise_usr2(void)
{
    struct sigaction action = {0};
    action.sa_sigaction = on_usr2;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &action, 0);
    union sigval value = {.sival_int = 1};
    sigqueue(getpid(), SIGUSR2, value);
    _exit(delivered_value == 77 ? 0 : 112);
}

static void raise_ignored(void)
{
    signal(SIGUSR1, SIG_IGN);
    kill(getpid(), SIGUSR1);
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    int status = 0;
    if (waitpid(child, &status, 0) != child)
        _exit(114);
    kill(getpid(), SIGWINCH);
    _exit(0);
}

static void emulated_call(void)
{
    long result = syscall(SYS_getppid);
    _exit(result == 1234 ? 0 : 113);
}

/* A syscall site of the form Asterix's systrap platform patches into a jump. */
long getpid_site(void);
__asm__(".text\n"
        ".globl getpid_site\n"
        "getpid_site:\n"
        "    mov $39, %eax\n"
        "    syscall\n"
        "    ret\n");
static const unsigned char getpid_site_bytes[7] = {0xb8, 39, 0, 0, 0, 0x0f, 0x05};

static volatile int usr1_count = 0;
static volatile unsigned long spinning = 0;
static void on_usr1(int sig) { usr1_count += sig == SIGUSR1; }

/* A child that waits for SIGUSR1, then exits 0. */
static pid_t fork_until_usr1(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        alarm(60); /* a failed test leaves no process behind */
        while (usr1_count == 0)
            pause();
        _exit(0);
    }
    return pid;
}

int main(void)
{
    alarm(60);
    struct Seen seen;

    /* TRACECLONE: the thread's creation is an event with its tid, the new thread is traced
     * from its start (a seized one starts in PTRACE_EVENT_STOP) and its end is reported. */
    pid_t pid = fork_stopped(0, make_thread);
    follow(pid, PTRACE_O_TRACECLONE, &seen);
    CHECK(seen.exit_code == 0);
    CHECK(seen.events[PTRACE_EVENT_CLONE] == 1 && seen.messages[PTRACE_EVENT_CLONE] > (unsigned long)pid);
    CHECK(seen.other_ends == 1);

    /* A traced thread's end is reported before its process's: a tracer that waits only once
     * both ended (the tracee's end of a pipe closed) gets the thread's end first. */
    CHECK(pipe(ended_pipe) == 0);
    pid = fork_stopped(0, make_thread);
    close(ended_pipe[1]);
    CHECK(ptrace(PTRACE_SEIZE, pid, 0, (void *)PTRACE_O_TRACECLONE) == 0);
    CHECK(kill(pid, SIGCONT) == 0);
    int status = 0;
    pid_t thread_tid = 0;
    for (int saw_clone = 0, saw_start = 0; !(saw_clone && saw_start);) {
        pid_t who = waitpid(-1, &status, __WALL);
        CHECK(who > 0 && WIFSTOPPED(status));
        int sig = 0;
        if (EVENT(status) == PTRACE_EVENT_CLONE) {
            unsigned long message = 0;
            CHECK(ptrace(PTRACE_GETEVENTMSG, who, 0, &message) == 0);
            thread_tid = (pid_t)message;
            saw_clone = 1;
        } else if (EVENT(status) == PTRACE_EVENT_STOP && who != pid) {
            saw_start = 1;
        } else if (EVENT(status) == 0 && WSTOPSIG(status) != SIGSTOP) {
            sig = WSTOPSIG(status);
        }
        CHECK(ptrace(PTRACE_CONT, who, 0, (void *)(long)sig) == 0);
    }
    char byte;
    CHECK(read(ended_pipe[0], &byte, 1) == 0);
    close(ended_pipe[0]);
    CHECK(waitpid(-1, &status, __WALL) == thread_tid && WIFEXITED(status));
    CHECK(waitpid(-1, &status, __WALL) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* TRACEVFORK and TRACEVFORKDONE: both carry the child's pid; the child is traced too. */
    pid = fork_stopped(0, do_vfork);
    follow(pid, PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE, &seen);
    CHECK(seen.exit_code == 0);
    CHECK(seen.events[PTRACE_EVENT_VFORK] == 1 && seen.events[PTRACE_EVENT_VFORK_DONE] == 1);
    CHECK(seen.messages[PTRACE_EVENT_VFORK] == seen.messages[PTRACE_EVENT_VFORK_DONE]);
    CHECK(seen.other_ends == 1);

    /* Without the options, none of these events. */
    pid = fork_stopped(0, do_vfork);
    follow(pid, 0, &seen);
    CHECK(seen.exit_code == 0 && seen.events[PTRACE_EVENT_VFORK] == 0 && seen.other_ends == 0);

    /* SETSIGINFO: the tracee's handler gets the siginfo the tracer wrote. */
    pid = fork_stopped(1, raise_usr2);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    status = wait_stop(pid);
    CHECK(WSTOPSIG(status) == SIGUSR2);
    siginfo_t info;
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &info) == 0);
    CHECK(info.si_signo == SIGUSR2 && info.si_code == SI_QUEUE && info.si_value.sival_int == 1);
    info.si_value.sival_int = 77;
    CHECK(ptrace(PTRACE_SETSIGINFO, pid, 0, &info) == 0);
    CHECK(ptrace(PTRACE_CONT, pid, 0, (void *)SIGUSR2) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Ignored signals still stop a tracee (Linux drops them only when nobody traces): SIG_IGN's
     * SIGUSR1, and SIGCHLD and SIGWINCH whose default is to ignore; passed on, they do nothing. */
    pid = fork_stopped(1, raise_ignored);
    int seen_signals[3] = {0, 0, 0};
    for (int i = 0;; ++i) {
        CHECK(i < 10);
        CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
        CHECK(waitpid(pid, &status, 0) == pid);
        if (WIFEXITED(status))
            break;
        CHECK(WIFSTOPPED(status) && i < 3);
        seen_signals[i] = WSTOPSIG(status);
    }
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(seen_signals[0] == SIGUSR1 && seen_signals[1] == SIGCHLD && seen_signals[2] == SIGWINCH);

    /* SYSEMU: the stop at the call's entry, which the kernel then skips; the result is the
     * tracer's. Resuming with CONT does not undo the skip. */
    pid = fork_stopped(1, emulated_call);
    struct user_regs_struct regs;
    for (int i = 0;; ++i) {
        CHECK(i < 100);
        CHECK(ptrace(PTRACE_SYSEMU, pid, 0, 0) == 0);
        status = wait_stop(pid);
        CHECK(WSTOPSIG(status) == SIGTRAP);
        CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
        if ((long)regs.orig_rax == SYS_getppid)
            break;
        /* Another call (the SIGSTOP's return path): emulate it as having returned 0. */
        regs.rax = 0;
        CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
    }
    regs.rax = 1234;
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* SYSEMU_SINGLESTEP: instruction steps (TRAP_TRACE) up to the call, whose entry stop
     * (si_code SIGTRAP) is the last before it is skipped with the tracer's result. */
    pid = fork_stopped(1, emulated_call);
    int steps = 0;
    for (;;) {
        CHECK(steps < 100000);
        CHECK(ptrace(PTRACE_SYSEMU_SINGLESTEP, pid, 0, 0) == 0);
        status = wait_stop(pid);
        CHECK(WSTOPSIG(status) == SIGTRAP);
        CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &info) == 0);
        if (info.si_code == TRAP_TRACE) {
            ++steps;
            continue;
        }
        CHECK(info.si_code == SIGTRAP);
        CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
        if ((long)regs.orig_rax == SYS_getppid)
            break;
        regs.rax = 0;
        CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
    }
    CHECK(steps > 0);
    regs.rax = 1234;
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs) == 0);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Registers: the FPU regsets, ARCH_PRCTL, /proc/PID/mem and /proc/PID/auxv of a stopped
     * tracee, then PTRACE_KILL. */
    pid = fork_stopped(1, do_nothing);
    unsigned char fx[512];
    struct iovec iov = {fx, sizeof(fx)};
    CHECK(ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRFPREG, &iov) == 0 && iov.iov_len == sizeof(fx));
    CHECK(ptrace(PTRACE_SETREGSET, pid, (void *)NT_PRFPREG, &iov) == 0);
    static unsigned char xstate[16384];
    iov.iov_base = xstate;
    iov.iov_len = sizeof(xstate);
    CHECK(ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &iov) == 0);
    CHECK(iov.iov_len >= 576 && iov.iov_len < sizeof(xstate));
    CHECK(memcmp(xstate + 24, fx + 24, 4) == 0); /* the same MXCSR */
    CHECK(ptrace(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE, &iov) == 0);
    iov.iov_base = &regs;
    iov.iov_len = sizeof(regs);
    CHECK(ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &iov) == 0);
    CHECK(ptrace(PTRACE_SETREGSET, pid, (void *)NT_PRSTATUS, &iov) == 0);
    unsigned long fs_base = 0;
    CHECK(ptrace(PTRACE_ARCH_PRCTL, pid, &fs_base, (void *)ARCH_GET_FS) == 0);
    CHECK(fs_base == regs.fs_base && fs_base != 0);
    CHECK_ERR(ptrace(PTRACE_ARCH_PRCTL, pid, &fs_base, (void *)0x9999), EINVAL);

    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/mem", pid);
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    long word = 0;
    CHECK(pread(fd, &word, sizeof(word), (off_t)(uintptr_t)&shared_word) == sizeof(word) && word == 0x1111);
    word = 0x3333;
    CHECK(pwrite(fd, &word, sizeof(word), (off_t)(uintptr_t)&shared_word) == sizeof(word));
    CHECK(ptrace(PTRACE_PEEKDATA, pid, (void *)&shared_word, 0) == 0x3333);
    CHECK(shared_word == 0x1111);
    CHECK_ERR(pread(fd, &word, sizeof(word), 0), EIO);
    close(fd);
    snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
    fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    Elf64_auxv_t auxv[64];
    ssize_t got = read(fd, auxv, sizeof(auxv));
    close(fd);
    CHECK(got > 0 && got % sizeof(Elf64_auxv_t) == 0);
    int saw_pagesz = 0, saw_entry = 0;
    for (ssize_t i = 0; i < got / (ssize_t)sizeof(Elf64_auxv_t); ++i) {
        saw_pagesz |= auxv[i].a_type == AT_PAGESZ && auxv[i].a_un.a_val == 4096;
        saw_entry |= auxv[i].a_type == AT_ENTRY && auxv[i].a_un.a_val != 0;
    }
    CHECK(saw_pagesz && saw_entry);

    CHECK(ptrace(PTRACE_KILL, pid, 0, 0) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* ATTACH to a running process: a stop for the SIGSTOP the kernel sent (SI_KERNEL, no
     * sender); DETACH with SIGUSR1 delivers that. */
    signal(SIGUSR1, on_usr1);
    pid = fork_until_usr1();
    CHECK(ptrace(PTRACE_ATTACH, pid, 0, 0) == 0);
    status = wait_stop(pid);
    CHECK(WSTOPSIG(status) == SIGSTOP && EVENT(status) == 0);
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &info) == 0);
    CHECK(info.si_signo == SIGSTOP && info.si_code == SI_KERNEL && info.si_pid == 0);
    CHECK(ptrace(PTRACE_DETACH, pid, 0, (void *)SIGUSR1) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* A seized tracee's group stop: SIGSTOP's delivery stop, then, passed on, the group stop
     * as PTRACE_EVENT_STOP with the stop signal; LISTEN keeps it stopped (waitpid by its
     * parent sees the stop), SIGCONT traps it again. */
    pid = fork_until_usr1();
    CHECK(ptrace(PTRACE_SEIZE, pid, 0, 0) == 0);
    CHECK(kill(pid, SIGSTOP) == 0);
    status = wait_stop(pid);
    CHECK(WSTOPSIG(status) == SIGSTOP && EVENT(status) == 0);
    CHECK(ptrace(PTRACE_CONT, pid, 0, (void *)SIGSTOP) == 0);
    status = wait_stop(pid);
    CHECK(WSTOPSIG(status) == SIGSTOP && EVENT(status) == PTRACE_EVENT_STOP);
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &info) == 0 && info.si_signo == SIGSTOP);
    CHECK(ptrace(PTRACE_LISTEN, pid, 0, 0) == 0);
    CHECK_ERR(ptrace(PTRACE_GETREGS, pid, 0, &regs), ESRCH); /* listening is not stopped */
    CHECK(kill(pid, SIGCONT) == 0);
    status = wait_stop(pid);
    CHECK(EVENT(status) == PTRACE_EVENT_STOP && WSTOPSIG(status) == SIGTRAP);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    status = wait_stop(pid); /* SIGCONT's delivery stop */
    CHECK(WSTOPSIG(status) == SIGCONT && EVENT(status) == 0);
    CHECK(ptrace(PTRACE_DETACH, pid, 0, (void *)SIGUSR1) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* PTRACE_INTERRUPT of a running tracee, one that spins in user mode: a PTRACE_EVENT_STOP
     * trap, and again after a CONT. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        alarm(60);
        for (;;)
            spinning = spinning + 1;
    }
    CHECK(ptrace(PTRACE_SEIZE, pid, 0, 0) == 0);
    for (int i = 0; i < 2; ++i) {
        CHECK(ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0);
        status = wait_stop(pid);
        CHECK(EVENT(status) == PTRACE_EVENT_STOP && WSTOPSIG(status) == SIGTRAP);
        CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
        CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
    }
    CHECK(kill(pid, SIGKILL) == 0);
    CHECK(waitpid(pid, &status, __WALL) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* A process whose syscall site ran (and may have been patched) before it was traced: the
     * tracer reads the program's own bytes there, and its syscall stops are at that site. */
    int ran[2];
    CHECK(pipe(ran) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        alarm(60);
        for (int i = 0; i < 3; ++i)
            getpid_site();
        if (write(ran[1], "x", 1) != 1)
            _exit(1);
        for (;;)
            getpid_site();
    }
    close(ran[1]);
    CHECK(read(ran[0], &byte, 1) == 1);
    close(ran[0]);
    CHECK(ptrace(PTRACE_ATTACH, pid, 0, 0) == 0);
    status = wait_stop(pid);
    CHECK(WSTOPSIG(status) == SIGSTOP);
    errno = 0;
    long site_word = ptrace(PTRACE_PEEKTEXT, pid, (void *)getpid_site, 0);
    CHECK(errno == 0 && memcmp(&site_word, getpid_site_bytes, sizeof(site_word) - 1) == 0);
    for (int i = 0; i < 4; ++i) {
        CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
        status = wait_stop(pid);
        CHECK(WSTOPSIG(status) == SIGTRAP);
        CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
        CHECK(regs.orig_rax == SYS_getpid && regs.rip == (unsigned long)getpid_site + 7);
    }
    CHECK(ptrace(PTRACE_KILL, pid, 0, 0) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* EXITKILL: a tracer that is not the parent ends, and its tracee dies with it. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        alarm(60);
        for (;;)
            pause();
    }
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t tracer = fork();
    CHECK(tracer >= 0);
    if (tracer == 0) {
        if (ptrace(PTRACE_SEIZE, pid, 0, (void *)PTRACE_O_EXITKILL) != 0)
            _exit(1);
        _exit(write(ready[1], "x", 1) == 1 ? 0 : 2);
    }
    CHECK(waitpid(tracer, &status, 0) == tracer && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    printf("ptrace_options: ok\n");
    return 0;
}
