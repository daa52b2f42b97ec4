// fork and the wait family: exit codes, wait4/waitpid/waitid (WNOHANG, WNOWAIT, P_PID, P_PGID,
// P_ALL), ECHILD, zombies that stay until reaped, getppid, reparenting of orphans to pid 1,
// copy-on-write isolation in both directions, children's CPU time (wait4's rusage,
// RUSAGE_CHILDREN, times), raw clone/clone3 (SETTID flags, another exit signal and __WALL /
// __WCLONE, refused flags), vfork (shares memory, suspends the parent) with _exit and execve.
#include "check.h"
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int global_counter = 100;
static char global_buf[3 * 4096];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int wait_exit_code(pid_t pid)
{
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void exit_codes(void)
{
    static const int codes[] = {0, 1, 42, 127, 255, 256 + 7};
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            _exit(codes[i]);
        CHECK(wait_exit_code(pid) == (codes[i] & 0xff));
    }
    /* exit() from a child (atexit, stdio) and returning from a function in the child. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        exit(9);
    int status;
    /* wait4 with rusage. */
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    CHECK(wait4(pid, &status, 0, &ru) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 9 && !WIFSIGNALED(status));
    CHECK(ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
    /* A NULL status pointer is fine. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(3);
    CHECK(waitpid(pid, NULL, 0) == pid);
    /* SYS_exit (thread exit) of the only thread ends the process with that status. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        syscall(SYS_exit, 77);
    CHECK(wait_exit_code(pid) == 77);
}

static void many_children(void)
{
    enum { N = 40 };
    pid_t pids[N];
    int seen[N] = {0};
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        CHECK(pids[i] >= 0);
        if (pids[i] == 0)
            _exit(i);
    }
    for (int i = 0; i < N; i++) {
        int status;
        pid_t got = wait(&status);
        CHECK(got > 0);
        CHECK(WIFEXITED(status));
        int code = WEXITSTATUS(status);
        CHECK(code >= 0 && code < N);
        CHECK(pids[code] == got);
        CHECK(!seen[code]);
        seen[code] = 1;
    }
    CHECK_ERR(wait(NULL), ECHILD);
}

static void wnohang_and_echild(void)
{
    CHECK_ERR(wait(NULL), ECHILD);
    CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
    CHECK_ERR(waitpid(getpid(), NULL, 0), ECHILD); /* not a child */
    CHECK_ERR(waitpid(getpid(), NULL, WNOHANG), ECHILD);
    siginfo_t si;
    CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
    CHECK_ERR(waitid(P_ALL, 0, &si, 0), EINVAL); /* no WEXITED/WSTOPPED/WCONTINUED */
    CHECK_ERR(waitpid(-1, NULL, 0x100 /* no such flag */), EINVAL);

    /* A child blocked on a pipe: WNOHANG says 0 until it exits. */
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        char c;
        ssize_t n = read(p[0], &c, 1);
        _exit(n == 1 ? c : 99);
    }
    close(p[0]);
    int status = 12345;
    CHECK(waitpid(pid, &status, WNOHANG) == 0);
    CHECK(waitpid(-1, &status, WNOHANG) == 0);
    CHECK(wait4(-1, &status, WNOHANG, NULL) == 0);
    memset(&si, 0x5a, sizeof si);
    CHECK(waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0);
    CHECK(si.si_pid == 0); /* nothing to report: si_pid is zeroed */
    char c = 21;
    CHECK(write(p[1], &c, 1) == 1);
    close(p[1]);
    CHECK(wait_exit_code(pid) == 21);
}

static void zombies(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(5);
    /* Wait without reaping: the child stays a zombie. */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0);
    CHECK(si.si_pid == pid);
    CHECK(si.si_signo == SIGCHLD);
    CHECK(si.si_code == CLD_EXITED);
    CHECK(si.si_status == 5);
    CHECK(si.si_uid == getuid());
    /* A zombie still exists for kill() (signal 0) and still has its process group. */
    CHECK(kill(pid, 0) == 0);
    CHECK(getpgid(pid) == getpgrp());
    /* Still waitable, again with WNOWAIT, then for real. */
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) == 0);
    CHECK(si.si_pid == pid && si.si_status == 5);
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, pid, &si, WEXITED) == 0);
    CHECK(si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 5);
    /* Reaped: gone. */
    CHECK_ERR(kill(pid, 0), ESRCH);
    CHECK_ERR(waitpid(pid, NULL, 0), ECHILD);

    /* A zombie that exited long before the wait keeps its status. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(66);
    sleep_ms(50);
    CHECK(wait_exit_code(pid) == 66);

    /* waitid by process group: children stay in ours. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(8);
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PGID, getpgrp(), &si, WEXITED) == 0);
    CHECK(si.si_pid == pid && si.si_status == 8);
    /* waitpid(0): any child in the caller's group. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(4);
    CHECK(waitpid(0, NULL, 0) == pid);
}

static void parent_ids(void)
{
    pid_t me = getpid();
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pid_t ids[2] = {getppid(), getpid()};
        CHECK(write(p[1], ids, sizeof ids) == sizeof ids);
        _exit(ids[0] == me ? 0 : 1);
    }
    pid_t ids[2];
    CHECK(read(p[0], ids, sizeof ids) == sizeof ids);
    CHECK(ids[0] == me);
    CHECK(ids[1] == pid);
    CHECK(ids[1] != me);
    CHECK(wait_exit_code(pid) == 0);
    close(p[0]);
    close(p[1]);
}

/* A child forks a grandchild and exits; the grandchild's parent becomes init (pid 1) or, natively,
 * whatever subreaper the test runs under. When this process is pid 1 (as under asterix) it must
 * also be the one that reaps the orphan. */
static void reparenting(void)
{
    int is_init = getpid() == 1;
    int p[2], ready[2];
    CHECK(pipe(p) == 0 && pipe(ready) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild < 0)
            _exit(2);
        if (grandchild == 0) {
            pid_t before = getppid();
            /* Tell the parent it may die now (the pipe's EOF), then wait for that. */
            close(ready[0]);
            close(ready[1]);
            double start = now();
            while (getppid() == before && now() - start < 10)
                sleep_ms(5);
            pid_t after = getppid();
            pid_t report[3] = {before, after, getpid()};
            if (write(p[1], report, sizeof report) != sizeof report)
                _exit(3);
            _exit(33);
        }
        close(ready[1]);
        char c;
        if (read(ready[0], &c, 1) != 0) /* EOF: the grandchild has read its parent's pid */
            _exit(4);
        _exit(0);
    }
    close(ready[0]);
    close(ready[1]);
    close(p[1]);
    CHECK(wait_exit_code(child) == 0);
    pid_t report[3];
    CHECK(read(p[0], report, sizeof report) == sizeof report);
    close(p[0]);
    CHECK(report[0] == child);
    CHECK(report[1] != child);
    if (is_init) {
        CHECK(report[1] == 1);
        /* The orphan is now our child: we reap it. */
        int status;
        CHECK(waitpid(report[2], &status, 0) == report[2]);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 33);
        CHECK_ERR(wait(NULL), ECHILD);
    } else {
        /* Natively the orphan is someone else's: it is not our child. */
        CHECK_ERR(waitpid(report[2], NULL, WNOHANG), ECHILD);
    }
}

static void copy_on_write(void)
{
    int local = 7;
    char *heap = malloc(64 * 1024);
    CHECK(heap != NULL);
    memset(heap, 'p', 64 * 1024);
    memset(global_buf, 'g', sizeof global_buf);
    char *anon = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(anon != MAP_FAILED);
    anon[0] = 'a';
    anon[5 * 4096] = 'b'; /* some pages touched, others never */
    /* A shared page: visible to both sides. */
    volatile int *shared =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED);
    *shared = 1;

    int to_child[2], to_parent[2];
    CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* The child sees the values at fork time... */
        CHECK(local == 7 && global_counter == 100 && heap[1000] == 'p' && global_buf[5000] == 'g');
        CHECK(anon[0] == 'a' && anon[5 * 4096] == 'b' && anon[3 * 4096] == 0);
        /* ...and its writes stay its own. */
        local = 8;
        global_counter = 200;
        memset(heap, 'c', 64 * 1024);
        memset(global_buf, 'C', sizeof global_buf);
        anon[0] = 'x';
        anon[3 * 4096] = 'y';
        *shared = 2;
        char c = 'w';
        CHECK(write(to_parent[1], &c, 1) == 1);
        /* Wait for the parent's writes, which must not show here. */
        CHECK(read(to_child[0], &c, 1) == 1);
        CHECK(local == 8 && global_counter == 200 && heap[60000] == 'c' && global_buf[0] == 'C');
        CHECK(anon[0] == 'x' && anon[3 * 4096] == 'y' && anon[5 * 4096] == 'b');
        CHECK(anon[7 * 4096] == 0);
        CHECK(*shared == 3);
        _exit(0);
    }
    char c;
    CHECK(read(to_parent[0], &c, 1) == 1);
    CHECK(local == 7 && global_counter == 100 && heap[1000] == 'p' && heap[60000] == 'p');
    CHECK(global_buf[0] == 'g' && global_buf[sizeof global_buf - 1] == 'g');
    CHECK(anon[0] == 'a' && anon[3 * 4096] == 0 && anon[5 * 4096] == 'b');
    CHECK(*shared == 2);
    /* Parent writes after the fork: the child keeps its own copies. */
    local = 9;
    global_counter = 300;
    memset(heap, 'P', 64 * 1024);
    anon[5 * 4096] = 'z';
    anon[7 * 4096] = 'q';
    *shared = 3;
    CHECK(write(to_child[1], &c, 1) == 1);
    CHECK(wait_exit_code(pid) == 0);
    CHECK(local == 9 && global_counter == 300 && heap[0] == 'P');
    CHECK(anon[0] == 'a' && anon[3 * 4096] == 0 && anon[5 * 4096] == 'z');
    free(heap);
    munmap(anon, 8 * 4096);
    munmap((void *)shared, 4096);
    close(to_child[0]);
    close(to_child[1]);
    close(to_parent[0]);
    close(to_parent[1]);

    /* Fork of a fork of a fork: each level copies. */
    global_counter = 0;
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        global_counter = 1;
        pid_t p2 = fork();
        if (p2 < 0)
            _exit(90);
        if (p2 == 0) {
            global_counter += 10;
            _exit(global_counter);
        }
        int st;
        if (waitpid(p2, &st, 0) != p2 || !WIFEXITED(st) || WEXITSTATUS(st) != 11)
            _exit(91);
        _exit(global_counter);
    }
    CHECK(wait_exit_code(pid) == 1);
    CHECK(global_counter == 0);
}

/* The CPU time this process has used so far, user and system. */
static double self_cpu_seconds(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

/* CPU time of waited-for children: wait4's rusage, getrusage(RUSAGE_CHILDREN), times(). */
static void child_cpu_time(void)
{
    struct rusage before;
    CHECK(getrusage(RUSAGE_CHILDREN, &before) == 0);
    struct tms t0;
    CHECK(times(&t0) != (clock_t)-1);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* Burn 0.3 s of CPU as the kernel counts it, whatever the speed of the machine: a fixed
         * loop is 0.3 s on one CPU and 0.1 s on another. The wall-clock limit ends the spin
         * if the CPU clock never advances. */
        double start = now();
        volatile unsigned long x = 0;
        while (self_cpu_seconds() < 0.3) {
            if (now() - start > 30)
                _exit(1);
            for (int i = 0; i < 100000; i++)
                x += i;
        }
        _exit(0);
    }
    int status;
    struct rusage ru;
    CHECK(wait4(pid, &status, 0, &ru) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    double child = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
                   ru.ru_stime.tv_usec / 1e6;
    if (child < 0.25)
        fprintf(stderr, "wait4 rusage: %.3f s of CPU for a child that used 0.3 s\n", child);
    CHECK(child >= 0.25 && child < 5);
    struct rusage after;
    CHECK(getrusage(RUSAGE_CHILDREN, &after) == 0);
    double delta = (after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
                   (after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
                   (after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
                   (after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
    CHECK(delta >= 0.25 && delta < 5);
    struct tms t1;
    CHECK(times(&t1) != (clock_t)-1);
    long ticks = sysconf(_SC_CLK_TCK);
    double cut =
        (double)((t1.tms_cutime + t1.tms_cstime) - (t0.tms_cutime + t0.tms_cstime)) / ticks;
    CHECK(cut >= 0.25 && cut < 5);
    /* RUSAGE_SELF counts our own time only. */
    struct rusage self;
    CHECK(getrusage(RUSAGE_SELF, &self) == 0);
    CHECK(self.ru_utime.tv_sec >= 0 && self.ru_utime.tv_usec < 1000000);
    CHECK_ERR(getrusage(12345, &self), EINVAL);
}

/* Raw clone and clone3 as fork: SETTID flags, a child with another exit signal (waited for with
 * __WALL / __WCLONE), and the flag combinations Linux refuses. */
struct clone_args_ {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static volatile int usr2_count;

static void count_usr2(int sig)
{
    (void)sig;
    usr2_count++;
}

static void raw_clone(void)
{
    static pid_t parent_tid, child_tid;
    parent_tid = child_tid = 0;
    long pid = syscall(SYS_clone, CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD, NULL,
                       &parent_tid, &child_tid, NULL);
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(child_tid == getpid() ? 0 : 1); /* our copy of child_tid */
    CHECK(parent_tid == pid);
    CHECK(child_tid == 0); /* the child wrote its own copy */
    CHECK(wait_exit_code((pid_t)pid) == 0);

    /* clone3, exit signal SIGCHLD. */
    struct clone_args_ args;
    memset(&args, 0, sizeof args);
    args.exit_signal = SIGCHLD;
    args.flags = CLONE_PARENT_SETTID;
    args.parent_tid = (uintptr_t)&parent_tid;
    pid = syscall(SYS_clone3, &args, sizeof args);
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(44);
    CHECK(parent_tid == pid);
    CHECK(wait_exit_code((pid_t)pid) == 44);

    /* A "clone" child (exit signal not SIGCHLD): invisible to a plain wait, seen with __WALL. */
    memset(&args, 0, sizeof args);
    args.exit_signal = 0;
    pid = syscall(SYS_clone3, &args, sizeof args);
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(45);
    int status;
    struct timespec ts = {0, 30 * 1000000L};
    nanosleep(&ts, NULL);
    CHECK_ERR(waitpid((pid_t)pid, &status, WNOHANG), ECHILD);
    CHECK(waitpid((pid_t)pid, &status, __WALL) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 45);
    /* Exit signal SIGUSR2: that is what the parent gets, and __WCLONE waits for it. */
    signal(SIGUSR2, count_usr2);
    usr2_count = 0;
    pid = syscall(SYS_clone, SIGUSR2, NULL, NULL, NULL, NULL);
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(46);
    CHECK(waitpid((pid_t)pid, &status, __WCLONE) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 46);
    CHECK(usr2_count == 1);
    signal(SIGUSR2, SIG_DFL);

    /* Refused combinations and arguments. */
    CHECK_ERR(syscall(SYS_clone, CLONE_THREAD | SIGCHLD, NULL, NULL, NULL, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, NULL, NULL, NULL, NULL), EINVAL);
    memset(&args, 0, sizeof args);
    args.exit_signal = SIGCHLD;
    args.flags = 1ULL << 40; /* no such flag */
    CHECK_ERR(syscall(SYS_clone3, &args, sizeof args), EINVAL);
    args.flags = 0;
    CHECK_ERR(syscall(SYS_clone3, &args, 8), EINVAL); /* smaller than the first version */
    CHECK_ERR(syscall(SYS_clone3, BAD_PTR, sizeof args), EFAULT);
    args.exit_signal = 65;
    CHECK_ERR(syscall(SYS_clone3, &args, sizeof args), EINVAL);
    CHECK_ERR(wait(NULL), ECHILD);
}

static void vfork_tests(void)
{
    /* vfork: the child borrows our memory and we wait until it _exits. */
    static volatile int shared_with_child = 0;
    double start = now();
    pid_t pid = vfork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        shared_with_child = 42;
        _exit(17);
    }
    /* The parent only resumes after the child's _exit. */
    CHECK(now() - start >= 0.09);
    CHECK(shared_with_child == 42);
    CHECK(wait_exit_code(pid) == 17);

    /* vfork + execve. */
    char *argv_true[] = {"true", NULL};
    char *envp[] = {NULL};
    pid = vfork();
    CHECK(pid >= 0);
    if (pid == 0) {
        execve("/bin/true", argv_true, envp);
        _exit(126);
    }
    CHECK(wait_exit_code(pid) == 0);
    char *argv_false[] = {"false", NULL};
    pid = vfork();
    CHECK(pid >= 0);
    if (pid == 0) {
        execve("/bin/false", argv_false, envp);
        _exit(126);
    }
    CHECK(wait_exit_code(pid) == 1);
    /* A failed execve in a vfork child: the child reports it and _exits. */
    static volatile int child_errno = 0;
    pid = vfork();
    CHECK(pid >= 0);
    if (pid == 0) {
        execve("/nonexistent/program", argv_true, envp);
        child_errno = errno;
        _exit(127);
    }
    CHECK(wait_exit_code(pid) == 127);
    CHECK(child_errno == ENOENT);
}

int main(void)
{
    /* A fresh start: no SIGCHLD handler, no inherited children. */
    signal(SIGCHLD, SIG_DFL);
    exit_codes();
    many_children();
    wnohang_and_echild();
    zombies();
    parent_ids();
    reparenting();
    copy_on_write();
    child_cpu_time();
    raw_clone();
    vfork_tests();
    printf("fork_wait: ok\n");
    return 0;
}
