// poll, ppoll, select and pselect6 on pipes and files: an empty pipe is not readable, readable
// after a write (and after its writer closes: POLLHUP, EOF for select), a write end is writable
// until the pipe is full and POLLERR once the reader is gone; timeout 0 returns at once, 50 ms
// waits at least 50 ms; a blocking poll wakes when another process writes; negative fds are
// ignored, closed ones are POLLNVAL for poll and EBADF for select; a regular file is always
// ready; ppoll/pselect install their signal mask for the wait only; EINTR even with SA_RESTART.
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static short revents1(int fd, short events, int timeout)
{
    struct pollfd p = {fd, events, 0x5a5a};
    int n = poll(&p, 1, timeout);
    CHECK(n == 0 || n == 1);
    CHECK((n == 0) == (p.revents == 0));
    return p.revents;
}

static int select_read(int fd, long usec)
{
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fd, &r);
    struct timeval tv = {usec / 1000000, usec % 1000000};
    int n = select(fd + 1, &r, NULL, NULL, usec < 0 ? NULL : &tv);
    CHECK(n >= 0);
    CHECK((n == 1) == (FD_ISSET(fd, &r) != 0));
    return n;
}

static int select_write(int fd)
{
    fd_set w;
    FD_ZERO(&w);
    FD_SET(fd, &w);
    struct timeval tv = {0, 0};
    int n = select(fd + 1, NULL, &w, NULL, &tv);
    CHECK(n >= 0);
    return n == 1 && FD_ISSET(fd, &w);
}

static void pipes(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    /* Empty: not readable; write end writable. */
    CHECK(revents1(p[0], POLLIN, 0) == 0);
    CHECK(select_read(p[0], 0) == 0);
    CHECK(revents1(p[1], POLLOUT, 0) == POLLOUT);
    CHECK(select_write(p[1]));
    /* Timeout 0 is immediate, 50 ms is at least 50 ms. */
    double start = now();
    CHECK(revents1(p[0], POLLIN, 0) == 0);
    CHECK(now() - start < 0.5);
    start = now();
    CHECK(revents1(p[0], POLLIN, 50) == 0);
    double took = now() - start;
    CHECK(took >= 0.049 && took < 5);
    start = now();
    CHECK(select_read(p[0], 50000) == 0);
    took = now() - start;
    CHECK(took >= 0.049 && took < 5);
    /* select writes back the time left: 0 after a timeout. */
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timeval tv = {0, 20000};
    CHECK(select(p[0] + 1, &r, NULL, NULL, &tv) == 0);
    CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);
    CHECK(!FD_ISSET(p[0], &r));

    /* After a write: readable, and both ends in one call. */
    CHECK(write(p[1], "abc", 3) == 3);
    CHECK(revents1(p[0], POLLIN, 0) == POLLIN);
    CHECK(revents1(p[0], POLLIN | POLLOUT | POLLPRI, 0) == POLLIN);
    CHECK(select_read(p[0], 0) == 1);
    struct pollfd both[3] = {{p[0], POLLIN, 0}, {-1, POLLIN, 0x77}, {p[1], POLLOUT, 0}};
    CHECK(poll(both, 3, 0) == 2);
    CHECK(both[0].revents == POLLIN && both[1].revents == 0 && both[2].revents == POLLOUT);
    /* select with the time left: a ready fd returns at once, time left stays > 0. */
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    CHECK(select(p[0] + 1, &r, NULL, NULL, &tv) == 1);
    CHECK(tv.tv_sec >= 4);
    char buf[8];
    CHECK(read(p[0], buf, 3) == 3);
    CHECK(revents1(p[0], POLLIN, 0) == 0);

    /* Writer closed with data left: POLLIN|POLLHUP; drained: POLLHUP; select says readable. */
    CHECK(write(p[1], "z", 1) == 1);
    CHECK(close(p[1]) == 0);
    CHECK(revents1(p[0], POLLIN, 0) == (POLLIN | POLLHUP));
    CHECK(read(p[0], buf, 8) == 1);
    CHECK(revents1(p[0], POLLIN, 0) == POLLHUP);
    CHECK(revents1(p[0], 0, 0) == POLLHUP); /* reported even when not asked for */
    CHECK(select_read(p[0], 0) == 1);
    CHECK(read(p[0], buf, 8) == 0);
    CHECK(close(p[0]) == 0);

    /* Reader closed: the write end reports POLLERR (and is "writable" for select). */
    CHECK(pipe(p) == 0);
    CHECK(close(p[0]) == 0);
    short re = revents1(p[1], POLLOUT, 0);
    CHECK(re & POLLERR);
    CHECK(select_write(p[1]));
    CHECK(close(p[1]) == 0);

    /* Full pipe: not writable; writable again once drained. */
    CHECK(pipe(p) == 0);
    CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
    static char chunk[4096];
    long total = 0;
    for (;;) {
        ssize_t n = write(p[1], chunk, sizeof chunk);
        if (n < 0) {
            CHECK(errno == EAGAIN);
            break;
        }
        total += n;
        CHECK(total < (1 << 24));
    }
    CHECK(total >= 4096);
    CHECK(revents1(p[1], POLLOUT, 0) == 0);
    CHECK(!select_write(p[1]));
    CHECK(revents1(p[0], POLLIN, 0) == POLLIN);
    static char sink[1 << 16];
    while (total > 0) {
        ssize_t n = read(p[0], sink, total < (long)sizeof sink ? total : (long)sizeof sink);
        CHECK(n > 0);
        total -= n;
    }
    CHECK(revents1(p[1], POLLOUT, 0) == POLLOUT);
    CHECK(select_write(p[1]));
    close(p[0]);
    close(p[1]);
}

static void wakeups(void)
{
    /* A blocking poll (-1) and select (NULL) wake when another process writes. */
    for (int use_select = 0; use_select < 2; use_select++) {
        int p[2];
        CHECK(pipe(p) == 0);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            struct timespec ts = {0, 80 * 1000000L};
            nanosleep(&ts, NULL);
            _exit(write(p[1], "w", 1) == 1 ? 0 : 1);
        }
        double start = now();
        if (use_select)
            CHECK(select_read(p[0], -1) == 1);
        else
            CHECK(revents1(p[0], POLLIN, -1) == POLLIN);
        CHECK(now() - start >= 0.07);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
        close(p[0]);
        close(p[1]);
    }
    /* Several pipes, one of which becomes ready: poll reports exactly that one. */
    int a[2], b[2], c[2];
    CHECK(pipe(a) == 0 && pipe(b) == 0 && pipe(c) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
        _exit(write(b[1], "b", 1) == 1 ? 0 : 1);
    }
    struct pollfd fds[3] = {{a[0], POLLIN, 0}, {b[0], POLLIN, 0}, {c[0], POLLIN, 0}};
    CHECK(poll(fds, 3, 5000) == 1);
    CHECK(fds[0].revents == 0 && fds[1].revents == POLLIN && fds[2].revents == 0);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(a[0], &r);
    FD_SET(b[0], &r);
    FD_SET(c[0], &r);
    int maxfd = a[0] > b[0] ? a[0] : b[0];
    maxfd = maxfd > c[0] ? maxfd : c[0];
    CHECK(select(maxfd + 1, &r, NULL, NULL, NULL) == 1);
    CHECK(!FD_ISSET(a[0], &r) && FD_ISSET(b[0], &r) && !FD_ISSET(c[0], &r));
    CHECK(waitpid(pid, NULL, 0) == pid);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]), close(c[0]), close(c[1]);
}

static void bad_fds_and_files(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    int closed = p[1] + 10;
    close(closed); /* certainly not open */
    struct pollfd fds[2] = {{closed, POLLIN, 0}, {p[1], POLLOUT, 0}};
    CHECK(poll(fds, 2, 0) == 2);
    CHECK(fds[0].revents == POLLNVAL && fds[1].revents == POLLOUT);
    /* select: a closed fd in any set is EBADF. */
    fd_set r;
    FD_ZERO(&r);
    FD_SET(closed, &r);
    struct timeval tv = {0, 0};
    CHECK_ERR(select(closed + 1, &r, NULL, NULL, &tv), EBADF);
    FD_ZERO(&r);
    FD_SET(closed, &r);
    CHECK_ERR(select(closed + 1, NULL, &r, NULL, &tv), EBADF);
    CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
    tv.tv_usec = -1;
    CHECK_ERR(select(0, NULL, NULL, NULL, &tv), EINVAL);
    CHECK_ERR(syscall(SYS_poll, BAD_PTR, 1, 0), EFAULT);
    /* No fds at all: a sleep. */
    double start = now();
    CHECK(poll(NULL, 0, 30) == 0);
    CHECK(now() - start >= 0.029);
    tv.tv_sec = 0;
    tv.tv_usec = 30000;
    start = now();
    CHECK(select(0, NULL, NULL, NULL, &tv) == 0);
    CHECK(now() - start >= 0.029);

    /* A regular file and /dev/null are always ready. */
    int f = open("/proc/self/exe", O_RDONLY);
    if (f < 0)
        f = open("/etc/passwd", O_RDONLY);
    CHECK(f >= 0);
    CHECK(revents1(f, POLLIN | POLLOUT, 0) == (POLLIN | POLLOUT));
    CHECK(select_read(f, 0) == 1);
    int null = open("/dev/null", O_RDWR);
    CHECK(null >= 0);
    CHECK(revents1(null, POLLIN | POLLOUT, -1) == (POLLIN | POLLOUT));
    close(f);
    close(null);
    close(p[0]);
    close(p[1]);
}

static volatile int hits;

static void on_usr1(int sig)
{
    (void)sig;
    hits++;
}

static void masks_and_eintr(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    int p[2];
    CHECK(pipe(p) == 0);

    /* poll and select are not restarted after a handler, SA_RESTART or not. */
    struct itimerval it = {{0, 0}, {0, 50000}};
    hits = 0;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    struct pollfd pfd = {p[0], POLLIN, 0};
    CHECK_ERR(poll(&pfd, 1, 5000), EINTR);
    CHECK(hits == 1);
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_ERR(select(p[0] + 1, &r, NULL, NULL, NULL), EINTR);
    CHECK(hits == 2);

    /* SIGUSR1 blocked; pending before ppoll; ppoll's mask unblocks it: EINTR at once, handler
     * ran, and the mask is back (SIGUSR1 blocked) afterwards. */
    sigset_t block, empty, cur;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
    hits = 0;
    raise(SIGUSR1);
    CHECK(hits == 0);
    struct timespec ts = {5, 0};
    double start = now();
    CHECK_ERR(ppoll(&pfd, 1, &ts, &empty), EINTR);
    CHECK(now() - start < 2);
    CHECK(hits == 1);
    sigemptyset(&cur);
    CHECK(sigprocmask(SIG_BLOCK, NULL, &cur) == 0);
    CHECK(sigismember(&cur, SIGUSR1) == 1);
    /* The same with pselect. */
    raise(SIGUSR1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_ERR(pselect(p[0] + 1, &r, NULL, NULL, &ts, &empty), EINTR);
    CHECK(hits == 2);
    /* ppoll/pselect with a mask that keeps it blocked: the timeout, the signal stays pending. */
    raise(SIGUSR1);
    ts.tv_sec = 0;
    ts.tv_nsec = 30 * 1000000L;
    CHECK(ppoll(&pfd, 1, &ts, &block) == 0);
    ts.tv_nsec = 30 * 1000000L;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK(pselect(p[0] + 1, &r, NULL, NULL, &ts, &block) == 0);
    CHECK(hits == 2);
    /* ppoll writes back the time left; a ready fd. */
    CHECK(write(p[1], "x", 1) == 1);
    ts.tv_sec = 5;
    ts.tv_nsec = 0;
    CHECK(ppoll(&pfd, 1, &ts, NULL) == 1 && pfd.revents == POLLIN);
    CHECK(ts.tv_sec >= 4);
    ts.tv_sec = 0;
    CHECK(ppoll(&pfd, 1, &ts, NULL) == 1);
    CHECK(sigprocmask(SIG_UNBLOCK, &block, NULL) == 0);
    CHECK(hits == 3);
    /* A NULL timeout for ppoll: wait forever (until ready). */
    CHECK(ppoll(&pfd, 1, NULL, NULL) == 1);
    close(p[0]);
    close(p[1]);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGALRM, SIG_DFL);
}

int main(void)
{
    pipes();
    wakeups();
    bad_fds_and_files();
    masks_and_eintr();
    printf("poll_select: ok\n");
    return 0;
}
