// POSIX timers: timer_create's errors (unknown clock, bad sigevent, bad pointers, *_ALARM EPERM
// without CAP_WAKE_ALARM), distinct ids, the default SIGALRM with the id as value, SIGEV_SIGNAL
// with a value, SIGEV_THREAD_ID to the calling thread, SIGEV_NONE (gettime counts down, no
// signal), periodic timers and their overrun while the signal stays blocked, TIMER_ABSTIME,
// disarming, settime/gettime/getoverrun/delete on a bad id (EINVAL); a forked child has no
// timers, and exec deletes them.
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_sig, got_value, got_code;
static void on_signal(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_value = info->si_value.sival_int;
    got_code = info->si_code;
}

static int raw_create(clockid_t clock, struct sigevent *ev, int *id) { return syscall(SYS_timer_create, clock, ev, id); }

int main(int argc, char **argv)
{
    if (argc == 2) { // after exec: the timer id 0 of the old image is gone
        struct itimerspec cur;
        CHECK_ERR(syscall(SYS_timer_gettime, atoi(argv[1]), &cur), EINVAL);
        return 0;
    }
    struct sigaction sa = {0};
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    int id;
    struct sigevent ev = {0};
    CHECK_ERR(raw_create(99, NULL, &id), EINVAL);
    ev.sigev_notify = 77;
    CHECK_ERR(raw_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 0;
    CHECK_ERR(raw_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    ev.sigev_signo = 65;
    CHECK_ERR(raw_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    ev.sigev_notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
    ev.sigev_signo = SIGUSR1;
    ev._sigev_un._tid = 999999;
    CHECK_ERR(raw_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    CHECK_ERR(raw_create(CLOCK_MONOTONIC, BAD_PTR, &id), EFAULT);
    CHECK_ERR(raw_create(CLOCK_MONOTONIC, NULL, BAD_PTR), EFAULT);
    if (geteuid() != 0)
        CHECK_ERR(raw_create(CLOCK_REALTIME_ALARM, NULL, &id), EPERM);

    // The default: SIGALRM carrying the timer's id.
    CHECK(raw_create(CLOCK_MONOTONIC, NULL, &id) == 0 && id >= 0);
    struct itimerspec spec = {{0, 0}, {0, 20000000}}, cur;
    CHECK(syscall(SYS_timer_settime, id, 0, &spec, NULL) == 0);
    CHECK(syscall(SYS_timer_gettime, id, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0);
    for (int i = 0; i < 500 && !got_sig; ++i)
        usleep(10000);
    CHECK(got_sig == SIGALRM && got_value == id && got_code == SI_TIMER);
    CHECK(syscall(SYS_timer_gettime, id, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

    // SIGEV_SIGNAL with a value; SIGEV_THREAD_ID to ourselves.
    ev.sigev_notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
    ev._sigev_un._tid = gettid();
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_int = 1234;
    int tid_timer;
    CHECK(raw_create(CLOCK_REALTIME, &ev, &tid_timer) == 0 && tid_timer != id);
    got_sig = 0;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    spec.it_value = now; // absolute, already past
    CHECK(syscall(SYS_timer_settime, tid_timer, TIMER_ABSTIME, &spec, NULL) == 0);
    for (int i = 0; i < 500 && !got_sig; ++i)
        usleep(10000);
    CHECK(got_sig == SIGUSR1 && got_value == 1234);

    // SIGEV_NONE: counts down, signals nobody.
    ev.sigev_notify = SIGEV_NONE;
    int quiet;
    CHECK(raw_create(CLOCK_BOOTTIME, &ev, &quiet) == 0 && quiet != id && quiet != tid_timer);
    spec.it_value.tv_sec = 5;
    spec.it_value.tv_nsec = 0;
    CHECK(syscall(SYS_timer_settime, quiet, 0, &spec, NULL) == 0);
    CHECK(syscall(SYS_timer_gettime, quiet, &cur) == 0 && cur.it_value.tv_sec >= 4 && cur.it_value.tv_sec <= 5);

    // Periodic with the signal blocked: one signal, the rest are overruns.
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
    struct itimerspec periodic = {{0, 10000000}, {0, 10000000}};
    got_sig = 0;
    CHECK(syscall(SYS_timer_settime, id, 0, &periodic, NULL) == 0);
    usleep(100000);
    CHECK(sigprocmask(SIG_UNBLOCK, &block, NULL) == 0);
    CHECK(got_sig == SIGALRM);
    int overrun = syscall(SYS_timer_getoverrun, id);
    if (overrun < 3 || overrun >= 100)
        fprintf(stderr, "overrun %d\n", overrun);
    CHECK(overrun >= 3 && overrun < 100);
    CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
    struct itimerspec off = {{0, 0}, {0, 0}}, old;
    CHECK(syscall(SYS_timer_settime, id, 0, &off, &old) == 0);
    CHECK(old.it_interval.tv_nsec == 10000000);
    CHECK(syscall(SYS_timer_gettime, id, &cur) == 0 && cur.it_value.tv_nsec == 0 && cur.it_interval.tv_nsec == 0);

    // Bad ids and arguments.
    CHECK_ERR(syscall(SYS_timer_settime, 77, 0, &spec, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_timer_settime, id, 0, NULL, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_timer_settime, id, 0, BAD_PTR, NULL), EFAULT);
    spec.it_value.tv_nsec = 1000000000;
    CHECK_ERR(syscall(SYS_timer_settime, id, 0, &spec, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_timer_gettime, 77, &cur), EINVAL);
    CHECK_ERR(syscall(SYS_timer_gettime, id, BAD_PTR), EFAULT);
    CHECK_ERR(syscall(SYS_timer_getoverrun, 77), EINVAL);
    CHECK_ERR(syscall(SYS_timer_delete, 77), EINVAL);
    CHECK(syscall(SYS_timer_delete, tid_timer) == 0);
    CHECK_ERR(syscall(SYS_timer_delete, tid_timer), EINVAL);
    int again;
    CHECK(raw_create(CLOCK_MONOTONIC, NULL, &again) == 0 && again != id && again != quiet);

    // A forked child has none of them.
    pid_t child = fork();
    if (child == 0) {
        CHECK_ERR(syscall(SYS_timer_gettime, quiet, &cur), EINVAL);
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && status == 0);

    // exec deletes them.
    char arg[16];
    snprintf(arg, sizeof arg, "%d", quiet);
    execl("/proc/self/exe", argv[0], arg, (char *)NULL);
    CHECK(!"exec failed");
    return 1;
}
