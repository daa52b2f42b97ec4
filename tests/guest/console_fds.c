// The three console fds: fstat works on each, TIOCGWINSZ/TCGETS agree with isatty (ENOTTY on
// pipes, files and /dev/null), unknown ioctls are ENOTTY, bad fds EBADF.
#include "check.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
    for (int fd = 0; fd < 3; fd++) {
        struct stat st, st2;
        memset(&st, 0, sizeof st);
        CHECK(syscall(SYS_fstat, fd, &st) == 0);
        CHECK((st.st_mode & S_IFMT) != 0); /* some file type */
        CHECK(st.st_blksize > 0);
        memset(&st2, 0, sizeof st2);
        CHECK(syscall(SYS_newfstatat, fd, "", &st2, AT_EMPTY_PATH) == 0);
        CHECK(st2.st_mode == st.st_mode && st2.st_ino == st.st_ino && st2.st_dev == st.st_dev);
        CHECK(fstat(fd, &st2) == 0 && st2.st_mode == st.st_mode);

        /* Window size and termios exist exactly when the fd is a terminal. */
        int tty = isatty(fd);
        struct winsize ws;
        struct termios tio;
        if (tty) {
            CHECK(syscall(SYS_ioctl, fd, TIOCGWINSZ, &ws) == 0);
            CHECK(syscall(SYS_ioctl, fd, TCGETS, &tio) == 0);
            CHECK(S_ISCHR(st.st_mode));
            CHECK_ERR(syscall(SYS_ioctl, fd, TIOCGWINSZ, BAD_PTR), EFAULT);
        } else {
            CHECK(errno == ENOTTY);
            CHECK_ERR(syscall(SYS_ioctl, fd, TIOCGWINSZ, &ws), ENOTTY);
            CHECK_ERR(syscall(SYS_ioctl, fd, TCGETS, &tio), ENOTTY);
        }
        CHECK_ERR(syscall(SYS_ioctl, fd, 0x7a7a, &ws), ENOTTY); /* no such request */
        printf("console_fds: fd %d: mode %#o, %s\n", fd, (unsigned)st.st_mode,
               tty ? "a terminal" : "not a terminal");
    }
    /* The harness gives tests stdin from /dev/null: not a terminal. */
    struct stat st0;
    CHECK(fstat(0, &st0) == 0);
    if (S_ISCHR(st0.st_mode) && st0.st_rdev == makedev(1, 3))
        CHECK(!isatty(0));

    struct stat st;
    struct winsize ws;
    CHECK_ERR(syscall(SYS_fstat, 999, &st), EBADF);
    CHECK_ERR(syscall(SYS_fstat, -1, &st), EBADF);
    CHECK_ERR(syscall(SYS_newfstatat, 999, "", &st, AT_EMPTY_PATH), EBADF);
    CHECK_ERR(syscall(SYS_fstat, 1, BAD_PTR), EFAULT);
    CHECK_ERR(syscall(SYS_ioctl, 999, TIOCGWINSZ, &ws), EBADF);
    CHECK(isatty(999) == 0 && errno == EBADF);
    return 0;
}
