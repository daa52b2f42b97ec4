// Pseudo-terminals, the pair itself: posix_openpt + grantpt + unlockpt + ptsname give a slave
// /dev/pts/N that stats as a character device of major 136 and that ttyname names; a new pair
// is locked (opening the slave is EIO) until TIOCSPTLCK; TIOCGPTPEER opens the slave from the
// master; the lowest free number is reused; canonical mode gives the slave one line at a time
// and echoes to the master (with ONLCR's \r\n); raw mode gives bytes as they come; packet mode
// prefixes a status byte; O_NONBLOCK reads are EAGAIN on an empty side; poll readiness on both
// sides; TIOCGPTN on a non-pty is ENOTTY.
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* Reads what the master has within a short wait (the slave's output and echoes). */
static int read_master(int m, char *buf, int size)
{
    struct pollfd p = {m, POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1);
    int n = read(m, buf, size);
    CHECK(n > 0);
    return n;
}

static int open_pair(char *name, size_t size)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK(grantpt(m) == 0);
    CHECK(unlockpt(m) == 0);
    CHECK(ptsname_r(m, name, size) == 0);
    return m;
}

int main(void)
{
    /* A fresh pair is locked: its slave cannot be opened, by path or from the master. */
    int m = open("/dev/ptmx", O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    unsigned n = 999;
    CHECK(ioctl(m, TIOCGPTN, &n) == 0);
    char name[64];
    snprintf(name, sizeof name, "/dev/pts/%u", n);
    int lock = 0;
    CHECK(ioctl(m, TIOCGPTLCK, &lock) == 0 && lock == 1);
    CHECK_ERR(open(name, O_RDWR | O_NOCTTY), EIO);
    CHECK_ERR(ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY), EIO);
    lock = 0;
    CHECK(ioctl(m, TIOCSPTLCK, &lock) == 0);
    int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    CHECK(peer >= 0);
    CHECK(isatty(peer));
    struct stat by_path, by_fd;
    CHECK(stat(name, &by_path) == 0 && fstat(peer, &by_fd) == 0);
    CHECK(S_ISCHR(by_path.st_mode) && major(by_path.st_rdev) == 136 && minor(by_path.st_rdev) == n);
    CHECK(by_path.st_ino == by_fd.st_ino && by_path.st_dev == by_fd.st_dev && by_path.st_rdev == by_fd.st_rdev);
    CHECK(strcmp(ttyname(peer), name) == 0);
    CHECK(close(peer) == 0);

    /* Errors: TIOCGPTN on a non-pty and on the slave; a slave that does not exist. */
    int null = open("/dev/null", O_RDWR);
    CHECK_ERR(ioctl(null, TIOCGPTN, &n), ENOTTY);
    CHECK_ERR(open("/dev/pts/4000", O_RDWR), ENOENT);

    /* The lowest free number: close the first pair, the next one gets its number again. */
    CHECK(close(m) == 0);
    CHECK_ERR(stat(name, &by_path), ENOENT);
    m = open_pair(name, sizeof name);
    unsigned again = 999;
    CHECK(ioctl(m, TIOCGPTN, &again) == 0 && again == n);
    int s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);

    /* Canonical mode: a line at a time, echoed on the master with \r\n. */
    char buf[256];
    struct pollfd p = {s, POLLIN, 0};
    CHECK(poll(&p, 1, 0) == 0);
    CHECK(write(m, "hel", 3) == 3);
    CHECK(poll(&p, 1, 0) == 0); /* not a line yet */
    CHECK(write(m, "lo\nnext\n", 8) == 8);
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
    CHECK(read(s, buf, sizeof buf) == 6 && memcmp(buf, "hello\n", 6) == 0);
    CHECK(read(s, buf, sizeof buf) == 5 && memcmp(buf, "next\n", 5) == 0);
    int got = 0;
    while (got < 13)
        got += read_master(m, buf + got, sizeof buf - got);
    CHECK(got == 13 && memcmp(buf, "hello\r\nnext\r\n", 13) == 0);
    /* Erase edits the line: "ab<DEL>c\n" reads as "ac\n". */
    CHECK(write(m, "ab\177c\n", 5) == 5);
    CHECK(read(s, buf, sizeof buf) == 3 && memcmp(buf, "ac\n", 3) == 0);
    read_master(m, buf, sizeof buf);

    /* The slave's output reaches the master with ONLCR. */
    CHECK(write(s, "out\n", 4) == 4);
    got = read_master(m, buf, sizeof buf);
    CHECK(got == 5 && memcmp(buf, "out\r\n", 5) == 0);

    /* Non-blocking reads on empty sides. */
    int flags = fcntl(m, F_GETFL);
    CHECK(fcntl(m, F_SETFL, flags | O_NONBLOCK) == 0);
    CHECK_ERR(read(m, buf, sizeof buf), EAGAIN);
    CHECK(fcntl(m, F_SETFL, flags) == 0);
    CHECK(fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK) == 0);
    CHECK_ERR(read(s, buf, sizeof buf), EAGAIN);

    /* Raw mode: bytes as they come, no echo, no signals. */
    struct termios t;
    CHECK(tcgetattr(s, &t) == 0);
    CHECK((t.c_lflag & ICANON) && (t.c_lflag & ECHO) && (t.c_oflag & ONLCR));
    cfmakeraw(&t);
    CHECK(tcsetattr(s, TCSANOW, &t) == 0);
    CHECK(write(m, "x\003", 2) == 2);
    p.fd = s;
    CHECK(poll(&p, 1, 5000) == 1);
    CHECK(read(s, buf, sizeof buf) == 2 && buf[0] == 'x' && buf[1] == 3);
    p.fd = m;
    CHECK(poll(&p, 1, 0) == 0); /* nothing echoed */
    CHECK(write(s, "a\n", 2) == 2);
    CHECK(read_master(m, buf, sizeof buf) == 2 && memcmp(buf, "a\n", 2) == 0);

    /* Packet mode: a status byte (TIOCPKT_DATA) before the data. */
    int on = 1;
    CHECK(ioctl(m, TIOCPKT, &on) == 0);
    CHECK(write(s, "q", 1) == 1);
    CHECK(read_master(m, buf, sizeof buf) == 2 && buf[0] == TIOCPKT_DATA && buf[1] == 'q');
    on = 0;
    CHECK(ioctl(m, TIOCPKT, &on) == 0);

    /* The master's POLLOUT, and its EIO and POLLHUP once the slave closed and nothing is left. */
    p.fd = m;
    p.events = POLLOUT;
    CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLOUT));
    CHECK(write(s, "z", 1) == 1);
    CHECK(close(s) == 0);
    p.events = POLLIN;
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLHUP));
    CHECK(read(m, buf, sizeof buf) == 1 && buf[0] == 'z');
    CHECK_ERR(read(m, buf, sizeof buf), EIO);
    CHECK(close(m) == 0);
    puts("pty_basic ok");
    return 0;
}
