/* Corners of files and time: F_GETPIPE_SZ/F_SETPIPE_SZ (rounding, EBUSY, EINVAL, EBADF),
 * f*xattr on an O_PATH descriptor (EBADF), clock_nanosleep on clocks that cannot sleep
 * (EOPNOTSUPP) or do not exist (EINVAL), setitimer/getitimer with bad pointers (EFAULT), and
 * ITIMER_VIRTUAL/ITIMER_PROF with real values. */
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static void pipe_sizes(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(fcntl(p[0], F_GETPIPE_SZ) == 65536);
    /* Rounded up to a page, then to a power of two; both ends see it. */
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 1) == 4096);
    CHECK(fcntl(p[0], F_GETPIPE_SZ) == 4096);
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 100000) == 131072);
    CHECK(fcntl(p[0], F_GETPIPE_SZ) == 131072);
    CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, -1), EINVAL);
    if (geteuid() != 0)
        CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 1 << 30), EPERM); /* above pipe-max-size */
    /* What the pipe holds must fit in the new size. */
    static char data[8192];
    CHECK(write(p[1], data, sizeof data) == sizeof data);
    CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY);
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 8192) == 8192);
    /* Full now: a non-blocking write finds no room. */
    CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
    CHECK_ERR(write(p[1], "x", 1), EAGAIN);
    CHECK(read(p[0], data, sizeof data) == sizeof data);
    CHECK(write(p[1], "x", 1) == 1);
    close(p[0]);
    close(p[1]);

    char path[] = "/tmp/file_corners_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_ERR(fcntl(fd, F_GETPIPE_SZ), EBADF);
    CHECK_ERR(fcntl(fd, F_SETPIPE_SZ, 4096), EBADF);
    close(fd);
    unlink(path);
}

static void xattr_o_path(void)
{
    int fd = open("/tmp", O_PATH);
    CHECK(fd >= 0);
    char buf[64];
    CHECK_ERR(fgetxattr(fd, "user.x", buf, sizeof buf), EBADF);
    CHECK_ERR(flistxattr(fd, buf, sizeof buf), EBADF);
    CHECK_ERR(fsetxattr(fd, "user.x", "a", 1, 0), EBADF);
    CHECK_ERR(fremovexattr(fd, "user.x"), EBADF);
    close(fd);
}

static void sleep_clocks(void)
{
    struct timespec tiny = {0, 1000};
    CHECK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &tiny, NULL) == 0);
    CHECK(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, 0, &tiny, NULL) == 0);
    CHECK(syscall(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, &tiny, NULL) == 0);
    int cannot_sleep[] = {CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE};
    for (unsigned i = 0; i < sizeof cannot_sleep / sizeof cannot_sleep[0]; i++) {
        CHECK_ERR(syscall(SYS_clock_nanosleep, cannot_sleep[i], 0, &tiny, NULL), EOPNOTSUPP);
        /* The clock is refused before the request is read. */
        CHECK_ERR(syscall(SYS_clock_nanosleep, cannot_sleep[i], 0, BAD_PTR, NULL), EOPNOTSUPP);
    }
    CHECK_ERR(syscall(SYS_clock_nanosleep, 10, 0, &tiny, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clock_nanosleep, 12, 0, &tiny, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, BAD_PTR, NULL), EFAULT);
    struct timespec bad = {0, 1000000000};
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
}

static void itimer_pointers(void)
{
    struct itimerval zero = {{0, 0}, {0, 0}};
    for (int which = ITIMER_REAL; which <= ITIMER_PROF; which++) {
        CHECK_ERR(setitimer(which, BAD_PTR, NULL), EFAULT);
        CHECK_ERR(setitimer(which, &zero, BAD_PTR), EFAULT);
        CHECK_ERR(getitimer(which, BAD_PTR), EFAULT);
        struct itimerval old;
        CHECK(setitimer(which, &zero, &old) == 0);
        CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0);
    }
    CHECK_ERR(setitimer(5, &zero, NULL), EINVAL);
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
}

static double cpu_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t vtalrm_count, prof_count;
static void on_cpu_timer(int sig)
{
    if (sig == SIGVTALRM)
        vtalrm_count++;
    else
        prof_count++;
}

/* ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU time: a spinning loop gets its
 * signals, and getitimer shows what is left. */
static void cpu_itimers(void)
{
    signal(SIGVTALRM, on_cpu_timer);
    signal(SIGPROF, on_cpu_timer);
    struct itimerval once = {{0, 0}, {0, 50000}};
    struct itimerval left;
    CHECK(setitimer(ITIMER_VIRTUAL, &once, NULL) == 0);
    CHECK(getitimer(ITIMER_VIRTUAL, &left) == 0);
    CHECK(left.it_value.tv_sec == 0 && left.it_value.tv_usec > 0 && left.it_value.tv_usec <= 100000); /* Linux rounds to its tick */
    CHECK(left.it_interval.tv_sec == 0 && left.it_interval.tv_usec == 0);
    struct itimerval every = {{0, 20000}, {0, 20000}};
    CHECK(setitimer(ITIMER_PROF, &every, NULL) == 0);
    double start = cpu_sec();
    while ((vtalrm_count < 1 || prof_count < 3) && cpu_sec() - start < 10) {
    }
    if (vtalrm_count != 1 || prof_count < 3) {
        fprintf(stderr, "after %.2f s of CPU: %d SIGVTALRM, %d SIGPROF\n", cpu_sec() - start, (int)vtalrm_count, (int)prof_count);
        exit(1);
    }
    /* The one-shot timer is disarmed; disarming the periodic one returns what was left. */
    CHECK(getitimer(ITIMER_VIRTUAL, &left) == 0);
    CHECK(left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0);
    struct itimerval zero = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_PROF, &zero, &left) == 0);
    CHECK(left.it_interval.tv_usec >= 20000 && left.it_interval.tv_usec <= 40000);
    CHECK(left.it_value.tv_sec == 0 && left.it_value.tv_usec <= 40000);
    signal(SIGVTALRM, SIG_DFL);
    signal(SIGPROF, SIG_DFL);
}

int main(void)
{
    alarm(30);
    pipe_sizes();
    xattr_o_path();
    sleep_clocks();
    itimer_pointers();
    cpu_itimers();
    puts("file_corners ok");
    return 0;
}
