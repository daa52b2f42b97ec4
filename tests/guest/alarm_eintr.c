// SIGALRM from alarm() and setitimer(ITIMER_REAL) interrupting blocking calls: without SA_RESTART
// a read on an empty pipe, wait4 and pause fail with EINTR; with SA_RESTART read and wait4 are
// restarted and complete when the data / child arrive later; a write to a full pipe returns
// what it wrote before the handler (EINTR if nothing); nanosleep returns EINTR with the
// time remaining even with SA_RESTART; a nanosleep in a stopped-then-continued child completes
// as if nothing happened; getitimer counts down, alarm() returns the seconds left; an interval
// timer fires repeatedly.
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static void set_alarm_handler(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void arm_ms(int ms)
{
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

static void disarm(void)
{
    struct itimerval it = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

/* A child that sleeps ms milliseconds, then writes one byte to fd (or just exits). */
static pid_t later(int ms, int fd, int code)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0) {
        }
        if (fd >= 0 && write(fd, "D", 1) != 1)
            _exit(99);
        _exit(code);
    }
    return pid;
}

static void read_interrupted(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    char c;
    /* alarm(1), no SA_RESTART: EINTR after about a second. */
    set_alarm_handler(0);
    alarms = 0;
    double start = now();
    CHECK(alarm(1) == 0);
    CHECK_ERR(read(p[0], &c, 1), EINTR);
    double took = now() - start;
    CHECK(alarms == 1);
    CHECK(took >= 0.9 && took < 10);

    /* setitimer, 100 ms. */
    alarms = 0;
    start = now();
    arm_ms(100);
    CHECK_ERR(read(p[0], &c, 1), EINTR);
    took = now() - start;
    CHECK(alarms == 1 && took >= 0.09 && took < 10);

    /* pause() always returns EINTR once a handler ran. */
    alarms = 0;
    arm_ms(50);
    CHECK_ERR(pause(), EINTR);
    CHECK(alarms == 1);

    /* wait4 on a child that outlives the alarm. */
    pid_t child = later(400, -1, 5);
    alarms = 0;
    arm_ms(50);
    int status;
    CHECK_ERR(waitpid(child, &status, 0), EINTR);
    CHECK(alarms == 1);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 5);
    close(p[0]);
    close(p[1]);
}

static void read_restarted(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    set_alarm_handler(SA_RESTART);
    /* The alarm comes at 100 ms, the data at 400 ms: read restarts and returns the data. */
    pid_t child = later(400, p[1], 0);
    alarms = 0;
    double start = now();
    arm_ms(100);
    char c = 0;
    CHECK(read(p[0], &c, 1) == 1);
    CHECK(c == 'D');
    CHECK(alarms == 1);
    CHECK(now() - start >= 0.35);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* wait4 is restarted too. */
    child = later(300, -1, 6);
    alarms = 0;
    arm_ms(50);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 6);
    CHECK(alarms == 1);

    /* Several alarms during one read: an interval timer of 50 ms. */
    child = later(400, p[1], 0);
    alarms = 0;
    struct itimerval it = {{0, 50000}, {0, 50000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK(read(p[0], &c, 1) == 1);
    disarm();
    CHECK(alarms >= 3);
    CHECK(waitpid(child, &status, 0) == child);
    close(p[0]);
    close(p[1]);
}

/* A write that blocks on a full pipe after writing part of its data returns that part when a
 * handler interrupts it (no EINTR, no restart), SA_RESTART or not. */
static void partial_write(void)
{
    static char big[1 << 20];
    for (int flags = 0; flags <= SA_RESTART; flags += SA_RESTART) {
        int p[2];
        CHECK(pipe(p) == 0);
        set_alarm_handler(flags);
        alarms = 0;
        arm_ms(100);
        ssize_t n = write(p[1], big, sizeof big);
        CHECK(alarms == 1);
        if (n <= 0 || n >= (ssize_t)sizeof big)
            fprintf(stderr, "interrupted write of 1 MB to a pipe: %zd (errno %d)\n", n, errno);
        CHECK(n > 0 && n < (ssize_t)sizeof big);
        close(p[0]);
        close(p[1]);
    }
    /* Nothing written yet: EINTR without SA_RESTART. */
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
    while (write(p[1], big, sizeof big) > 0) {
    }
    CHECK(fcntl(p[1], F_SETFL, 0) == 0);
    set_alarm_handler(0);
    arm_ms(50);
    CHECK_ERR(write(p[1], big, 1), EINTR);
    close(p[0]);
    close(p[1]);
}

static void sleep_interrupted(void)
{
    /* nanosleep returns EINTR with the remaining time, SA_RESTART or not. */
    for (int flags = 0; flags <= SA_RESTART; flags += SA_RESTART) {
        set_alarm_handler(flags);
        alarms = 0;
        arm_ms(100);
        struct timespec req = {2, 0}, rem = {-1, -1};
        double start = now();
        CHECK_ERR(nanosleep(&req, &rem), EINTR);
        double took = now() - start;
        CHECK(alarms == 1);
        CHECK(took >= 0.09 && took < 1.5);
        double left = rem.tv_sec + rem.tv_nsec / 1e9;
        CHECK(rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000);
        CHECK(left > 0.5 && left <= 1.95);
        /* clock_nanosleep returns the error number. */
        alarms = 0;
        arm_ms(50);
        req.tv_sec = 2;
        req.tv_nsec = 0;
        CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem) == EINTR);
        CHECK(alarms == 1);
        CHECK(rem.tv_sec <= 1 || (rem.tv_sec == 1 && rem.tv_nsec < 960000000));
    }
    /* An absolute clock_nanosleep interrupted: EINTR, rem untouched. */
    set_alarm_handler(0);
    arm_ms(50);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += 2;
    struct timespec rem = {123, 456};
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, &rem) == EINTR);
    CHECK(rem.tv_sec == 123 && rem.tv_nsec == 456);
}

/* A stopped and continued child: its nanosleep is transparently restarted (no handler ran) and
 * lasts the full time. */
static void sleep_across_stop(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(p[0]);
        double start = now();
        struct timespec req = {0, 400 * 1000000L};
        int r = nanosleep(&req, NULL);
        double took = now() - start;
        if (r != 0)
            _exit(1);
        _exit(took >= 0.39 ? 0 : 2);
    }
    close(p[1]);
    struct timespec d = {0, 100 * 1000000L};
    nanosleep(&d, NULL);
    CHECK(kill(child, SIGSTOP) == 0);
    int status;
    CHECK(waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status));
    nanosleep(&d, NULL);
    CHECK(kill(child, SIGCONT) == 0);
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0)
        fprintf(stderr, "stopped child's nanosleep: exit %d\n", WEXITSTATUS(status));
    CHECK(WEXITSTATUS(status) == 0);
    close(p[0]);
}

static void timer_queries(void)
{
    set_alarm_handler(0);
    CHECK(alarm(10) == 0);
    unsigned left = alarm(5);
    CHECK(left >= 9 && left <= 10);
    CHECK(alarm(0) >= 4);
    CHECK(alarm(0) == 0);
    arm_ms(800);
    struct itimerval cur;
    CHECK(getitimer(ITIMER_REAL, &cur) == 0);
    long us = cur.it_value.tv_sec * 1000000L + cur.it_value.tv_usec;
    CHECK(us > 0 && us <= 800000);
    CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 0);
    struct itimerval old;
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, &old) == 0);
    CHECK(old.it_value.tv_sec * 1000000L + old.it_value.tv_usec <= 800000);
    CHECK(getitimer(ITIMER_REAL, &cur) == 0);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
    CHECK_ERR(getitimer(99, &cur), EINVAL);
    /* The timer is not inherited by a child. */
    arm_ms(300);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        struct itimerval c;
        getitimer(ITIMER_REAL, &c);
        _exit(c.it_value.tv_sec == 0 && c.it_value.tv_usec == 0 ? 0 : 1);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    disarm();
    /* SIGALRM's default action ends the process. */
    signal(SIGALRM, SIG_DFL);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        arm_ms(30);
        for (;;)
            pause();
    }
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM);
}

int main(void)
{
    read_interrupted();
    read_restarted();
    partial_write();
    sleep_interrupted();
    sleep_across_stop();
    timer_queries();
    printf("alarm_eintr: ok\n");
    return 0;
}
