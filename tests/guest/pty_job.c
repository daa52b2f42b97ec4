// Pseudo-terminals and job control: a child in a new session makes the slave its controlling
// terminal (setsid + TIOCSCTTY) and is its foreground group (TIOCGPGRP on both sides); a window
// size set on the master is seen on the slave and raises SIGWINCH in the child; ^C written to
// the master kills the child with SIGINT (and is echoed as ^C); closing the master hangs the
// slave up: SIGHUP to the session leader, slave reads return 0, writes and ioctls fail with EIO.
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t g_signal;

static void on_signal(int sig) { g_signal = sig; }

static char wait_byte(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    CHECK(poll(&p, 1, 10000) == 1);
    char c = 0;
    CHECK(read(fd, &c, 1) == 1);
    return c;
}

/* The child's side: a new session whose controlling terminal is the slave. */
static int become_session_on(const char *name, int master)
{
    close(master);
    CHECK(setsid() == getpid());
    int s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);
    CHECK(ioctl(s, TIOCSCTTY, 0) == 0);
    CHECK(tcgetpgrp(s) == getpid());
    CHECK(tcgetsid(s) == getpid());
    return s;
}

static int open_master(char *name, size_t size)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0 && ptsname_r(m, name, size) == 0);
    return m;
}

int main(void)
{
    char name[64];
    int m = open_master(name, sizeof name);
    int report[2];
    CHECK(pipe(report) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        int s = become_session_on(name, m);
        signal(SIGWINCH, on_signal);
        CHECK(write(report[1], "r", 1) == 1);
        while (g_signal != SIGWINCH)
            pause();
        struct winsize ws;
        CHECK(ioctl(s, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 30 && ws.ws_col == 100);
        CHECK(write(report[1], "w", 1) == 1);
        for (;;)
            pause(); /* until ^C */
    }
    CHECK(wait_byte(report[0]) == 'r');
    pid_t pgrp = 0;
    CHECK(ioctl(m, TIOCGPGRP, &pgrp) == 0 && pgrp == child);
    struct winsize ws = {30, 100, 0, 0};
    CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0);
    struct winsize back;
    CHECK(ioctl(m, TIOCGWINSZ, &back) == 0 && back.ws_row == 30 && back.ws_col == 100);
    CHECK(wait_byte(report[0]) == 'w');
    CHECK(write(m, "\003", 1) == 1);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
    char buf[16];
    struct pollfd p = {m, POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1);
    CHECK(read(m, buf, sizeof buf) == 2 && buf[0] == '^' && buf[1] == 'C');
    CHECK(close(m) == 0);

    /* Hangup: the master closes under a session whose terminal the slave is. */
    m = open_master(name, sizeof name);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        int s = become_session_on(name, m);
        signal(SIGHUP, on_signal);
        CHECK(write(report[1], "r", 1) == 1);
        while (g_signal != SIGHUP)
            pause();
        char c;
        CHECK(read(s, &c, 1) == 0);
        CHECK_ERR(write(s, "x", 1), EIO);
        struct termios t;
        CHECK_ERR(tcgetattr(s, &t), EIO);
        CHECK(write(report[1], "h", 1) == 1);
        _exit(0);
    }
    CHECK(wait_byte(report[0]) == 'r');
    CHECK(close(m) == 0);
    CHECK(wait_byte(report[0]) == 'h');
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    puts("pty_job ok");
    return 0;
}
