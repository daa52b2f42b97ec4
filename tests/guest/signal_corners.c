/* Signal corners: SA_RESETHAND keeps SA_SIGINFO; rt_sigqueueinfo reaches another process, a
 * zombie and a thread by its tid; SIGHUP raised thousands of times at floating-point work on an
 * alternate stack (LTP's signal06) and sent from another process is delivered every time. */
#include "check.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t resethand_code;
static void on_resethand(int sig, siginfo_t *info, void *uc)
{
    (void)sig, (void)uc;
    resethand_code = info->si_code;
}

static void check_resethand(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_resethand;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    CHECK(raise(SIGUSR2) == 0);
    CHECK(resethand_code == SI_TKILL);
    CHECK(sigaction(SIGUSR2, NULL, &old) == 0);
    /* Linux resets the handler only; the flags stay. */
    CHECK(old.sa_handler == SIG_DFL);
    CHECK(old.sa_flags & SA_SIGINFO);
    CHECK(old.sa_flags & SA_RESETHAND);
}

static volatile sig_atomic_t queued_value;
static void on_queued(int sig, siginfo_t *info, void *uc)
{
    (void)sig, (void)uc;
    if (info->si_code == SI_QUEUE)
        queued_value = info->si_value.sival_int;
}

static int queue_signal(pid_t pid, int sig, int value)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = sig;
    info.si_code = SI_QUEUE;
    info.si_pid = getpid();
    info.si_uid = getuid();
    info.si_value.sival_int = value;
    return (int)syscall(SYS_rt_sigqueueinfo, pid, sig, &info);
}

static void *wait_forever(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void check_sigqueueinfo(void)
{
    /* To another process of the same user. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        siginfo_t got;
        struct timespec limit = {20, 0};
        if (sigtimedwait(&usr1, &got, &limit) != SIGUSR1)
            _exit(2);
        _exit(got.si_code == SI_QUEUE && got.si_value.sival_int == 42 && got.si_pid == getppid() ? 0 : 3);
    }
    CHECK(queue_signal(child, SIGUSR1, 42) == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* To a zombie: it still exists, the signal is dropped. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(0);
    siginfo_t info;
    CHECK(waitid(P_PID, child, &info, WEXITED | WNOWAIT) == 0);
    CHECK(queue_signal(child, SIGUSR1, 1) == 0);
    CHECK(kill(child, SIGUSR1) == 0);
    CHECK(waitpid(child, &status, 0) == child);
    CHECK_ERR(queue_signal(child, SIGUSR1, 1), ESRCH);
    CHECK(sigprocmask(SIG_UNBLOCK, &usr1, NULL) == 0);

    /* Claiming to be the kernel towards another process is refused. */
    siginfo_t forged;
    memset(&forged, 0, sizeof forged);
    forged.si_code = SI_USER;
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, getppid(), SIGUSR1, &forged), EPERM);
    CHECK_ERR(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, BAD_PTR), EFAULT);

    /* A thread's tid names its process, as with kill(2). */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_queued;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, wait_forever, NULL) == 0);
    /* The thread's tid: the newest id in /proc/self/task other than ours. */
    pid_t tid = 0;
    for (int tries = 0; tries < 2000 && !tid; ++tries) {
        char path[64];
        for (pid_t candidate = getpid() + 1; candidate < getpid() + 64 && !tid; ++candidate) {
            snprintf(path, sizeof path, "/proc/self/task/%d/stat", candidate);
            if (access(path, F_OK) == 0)
                tid = candidate;
        }
        if (!tid)
            usleep(1000);
    }
    CHECK(tid != 0);
    CHECK(queue_signal(tid, SIGUSR1, 7) == 0);
    for (int tries = 0; tries < 5000 && queued_value != 7; ++tries)
        usleep(1000);
    CHECK(queued_value == 7);
    signal(SIGUSR1, SIG_DFL);
}

/* LTP signal06: x87 state across a signal raised between fldl and fstpl, on an alt stack. */
static volatile double fp_value;
static volatile sig_atomic_t hup_seen;
static char alt_stack[4096 * 10] __attribute__((aligned(4096)));
static void on_hup(int sig)
{
    (void)sig;
    hup_seen++;
    volatile double scratch = hup_seen * 1.5; /* the handler uses the FPU too */
    (void)scratch;
}

static void check_fp_self_signals(void)
{
    stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0};
    CHECK(sigaltstack(&ss, NULL) == 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_hup;
    sa.sa_flags = SA_ONSTACK;
    CHECK(sigaction(SIGHUP, &sa, NULL) == 0);
    pid_t tid = (pid_t)syscall(SYS_gettid);
    for (int round = 0; round < 3; ++round) {
        fp_value = 123.456;
        hup_seen = 0;
        int loops = 0;
        while (fp_value == 123.456 && loops < 3000) {
            __asm__ volatile("fldl %0" : : "m"(fp_value));
            syscall(SYS_tkill, tid, SIGHUP);
            __asm__ volatile("fstpl %0" : "=m"(fp_value));
            ++loops;
        }
        if (loops != 3000 || hup_seen != 3000) {
            fprintf(stderr, "round %d: %d loops, %d signals, value %g\n", round, loops, (int)hup_seen, fp_value);
            exit(1);
        }
    }
    ss.ss_flags = SS_DISABLE;
    CHECK(sigaltstack(&ss, NULL) == 0);
}

static volatile sig_atomic_t stop_work;
static void on_stop(int sig) { (void)sig; stop_work = 1; }

/* SIGHUP sent many times by another process at one doing SSE work that it checks. */
static void check_fp_sent_signals(void)
{
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_hup;
        CHECK(sigaction(SIGHUP, &sa, NULL) == 0);
        sa.sa_handler = on_stop;
        CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
        CHECK(write(ready[1], "r", 1) == 1);
        volatile double a = 1.0, b = 3.0;
        double start = cpu_sec();
        while (!stop_work && cpu_sec() - start < 30) {
            double q = a / b * b;
            if (q < 0.999999 || q > 1.000001)
                _exit(4);
        }
        _exit(hup_seen > 0 && stop_work ? 0 : 5);
    }
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    for (int i = 0; i < 3000; ++i) {
        CHECK(kill(child, SIGHUP) == 0);
        if (i % 64 == 0)
            usleep(200);
    }
    CHECK(kill(child, SIGUSR1) == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "FP child ended with status %#x\n", status);
        exit(1);
    }
    close(ready[0]);
    close(ready[1]);
}

int main(void)
{
    alarm(60);
    check_resethand();
    check_sigqueueinfo();
    check_fp_self_signals();
    check_fp_sent_signals();
    puts("signal_corners ok");
    return 0;
}
