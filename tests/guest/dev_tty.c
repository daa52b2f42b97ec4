// /dev/tty is the caller's controlling terminal (tty(4)): ENXIO for a process whose session has
// none, and for a session leader that took a pty slave with TIOCSCTTY, that terminal: its
// foreground group, and what is written through it reaches the master; fstat and the fd's
// name stay /dev/tty's own (5:0).
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static int run_child(void (*body)(void *), void *arg)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        body(arg);
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    return status;
}

static void without_terminal(void *arg)
{
    (void)arg;
    CHECK(setsid() == getpid());
    errno = 0;
    CHECK(open("/dev/tty", O_RDWR) == -1 && errno == ENXIO);
}

static void with_pty(void *arg)
{
    int master = *(int *)arg;
    CHECK(setsid() == getpid());
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    CHECK(ioctl(slave, TIOCSCTTY, 0) == 0);
    int tty = open("/dev/tty", O_RDWR);
    CHECK(tty >= 0);
    struct stat via_tty;
    CHECK(fstat(tty, &via_tty) == 0);
    CHECK(S_ISCHR(via_tty.st_mode) && major(via_tty.st_rdev) == 5 && minor(via_tty.st_rdev) == 0);
    CHECK(isatty(tty));
    char link[64], name[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", tty);
    ssize_t n = readlink(link, name, sizeof name - 1);
    CHECK(n > 0);
    name[n] = 0;
    CHECK(strcmp(name, "/dev/tty") == 0);
    pid_t group = -1;
    CHECK(ioctl(tty, TIOCGPGRP, &group) == 0 && group == getpgrp());
    CHECK(write(tty, "via-dev-tty\n", 12) == 12);
}

int main(void)
{
    CHECK(run_child(without_terminal, NULL) == 0);

    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    CHECK(run_child(with_pty, &master) == 0);
    // What the child wrote through /dev/tty is on the master (output processing adds a CR).
    struct pollfd pfd = {.fd = master, .events = POLLIN};
    CHECK(poll(&pfd, 1, 10000) == 1);
    char buf[64] = {0};
    ssize_t got = read(master, buf, sizeof buf - 1);
    CHECK(got > 0 && strncmp(buf, "via-dev-tty", 11) == 0);
    printf("ok\n");
    return 0;
}
