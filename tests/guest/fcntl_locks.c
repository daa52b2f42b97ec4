// fcntl record locks: the argument errors (EBADF, EINVAL, EOVERFLOW, EFAULT); a process's own
// locks never conflict with each other while another process's do (EAGAIN, F_GETLK names the
// holder); ranges split on a partial unlock and merge when adjacent; closing any descriptor of
// the file releases the process's locks, as does its exit; F_SETLKW waits for an unlock, fails
// EDEADLK when the wait would close a cycle and EINTR on a signal; SEEK_CUR, SEEK_END and
// negative lengths; open-file-description locks conflict between descriptions of one process,
// report l_pid -1 and last until the description's last close; /proc/locks lists them.
#include "check.h"
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char path[] = "/tmp/fcntl_locksXXXXXX";

static int lock(int fd, int cmd, short type, short whence, off_t start, off_t len)
{
    struct flock fl = {.l_type = type, .l_whence = whence, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl);
}

/* F_GETLK (or F_OFD_GETLK) for a lock of `type` over [start, start+len): what is in the way. */
static struct flock test(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    CHECK(fcntl(fd, cmd, &fl) == 0);
    return fl;
}

static void on_alarm(int sig) { (void)sig; }

/* Waits (at most 10 s) until the process is asleep in the kernel. */
static void wait_until_sleeping(pid_t pid)
{
    char name[64], text[512];
    snprintf(name, sizeof name, "/proc/%d/stat", (int)pid);
    for (int i = 0; i < 1000; i++) {
        int fd = open(name, O_RDONLY);
        CHECK(fd >= 0);
        ssize_t n = read(fd, text, sizeof text - 1);
        close(fd);
        CHECK(n > 0);
        text[n] = 0;
        char *end = strrchr(text, ')');
        if (end && end[2] == 'S')
            return;
        usleep(10000);
    }
    CHECK(!"the child never blocked");
}

/* Runs `fn` in a child process and checks that it exited 0. */
static void in_child(void (*fn)(int), int arg)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        fn(arg);
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void child_sees_parent_lock(int unused)
{
    (void)unused;
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    struct flock fl = test(fd, F_GETLK, F_RDLCK, 5, 1);
    CHECK(fl.l_type == F_WRLCK && fl.l_whence == SEEK_SET && fl.l_start == 0 && fl.l_len == 11);
    CHECK(fl.l_pid == getppid());
    CHECK_ERR(lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 1), EAGAIN);
    CHECK(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 11, 10) == 0); // just past it
    // Unlocking what another process holds changes nothing.
    CHECK(lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);
}

static void child_sees_split(int unused)
{
    (void)unused;
    int fd = open(path, O_RDWR);
    struct flock fl = test(fd, F_GETLK, F_WRLCK, 40, 20);
    CHECK(fl.l_type == F_UNLCK);
    fl = test(fd, F_GETLK, F_WRLCK, 0, 100);
    CHECK(fl.l_type == F_WRLCK && fl.l_start == 0 && fl.l_len == 40);
    fl = test(fd, F_GETLK, F_WRLCK, 50, 0);
    CHECK(fl.l_type == F_WRLCK && fl.l_start == 60 && fl.l_len == 40);
}

static void child_sees_merge(int unused)
{
    (void)unused;
    int fd = open(path, O_RDWR);
    struct flock fl = test(fd, F_GETLK, F_WRLCK, 0, 0);
    CHECK(fl.l_type == F_RDLCK && fl.l_start == 0 && fl.l_len == 20);
    CHECK(test(fd, F_GETLK, F_RDLCK, 0, 0).l_type == F_UNLCK); // readers share
    // An OFD test sees the POSIX lock's process too.
    fl = test(fd, F_OFD_GETLK, F_WRLCK, 0, 0);
    CHECK(fl.l_type == F_RDLCK && fl.l_pid == getppid());
}

static void child_sees_nothing(int unused)
{
    (void)unused;
    int fd = open(path, O_RDWR);
    CHECK(test(fd, F_GETLK, F_WRLCK, 0, 0).l_type == F_UNLCK);
}

static void child_sees_range(int expected)
{
    int fd = open(path, O_RDWR);
    struct flock fl = test(fd, F_GETLK, F_WRLCK, 0, 0);
    CHECK(fl.l_type == F_WRLCK && fl.l_start == expected / 100 && fl.l_len == expected % 100);
}

static void child_sees_ofd(int unused)
{
    (void)unused;
    int fd = open(path, O_RDWR);
    struct flock fl = test(fd, F_GETLK, F_RDLCK, 0, 1);
    CHECK(fl.l_type == F_WRLCK && fl.l_pid == -1);
}

/* Whether /proc/locks has a line for this process's lock on `ino` ending with `range`. */
static int proc_locks_has(const char *kind, pid_t pid, ino_t ino, const char *range)
{
    FILE *f = fopen("/proc/locks", "r");
    CHECK(f != NULL);
    char line[256], want[128];
    snprintf(want, sizeof want, ":%lu %s", (unsigned long)ino, range);
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        char *colon_ino = strstr(line, want);
        char pid_text[32];
        snprintf(pid_text, sizeof pid_text, " %d ", (int)pid);
        if (strstr(line, kind) && strstr(line, pid_text) && colon_ino && colon_ino[strlen(want)] == '\n')
            found = 1;
    }
    fclose(f);
    return found;
}

int main(void)
{
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, "0123456789", 10) == 10);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);

    // Argument errors.
    CHECK_ERR(lock(999, F_SETLK, F_WRLCK, SEEK_SET, 0, 0), EBADF);
    CHECK_ERR(lock(fd, F_SETLK, 7, SEEK_SET, 0, 0), EINVAL);
    CHECK_ERR(lock(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 0), EINVAL);
    CHECK_ERR(lock(fd, F_SETLK, F_WRLCK, 9, 0, 0), EINVAL);
    CHECK_ERR(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 0), EINVAL);
    CHECK_ERR(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, -6), EINVAL);
    CHECK_ERR(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, LLONG_MAX, 2), EOVERFLOW);
    CHECK_ERR(lock(fd, F_SETLK, F_WRLCK, SEEK_END, LLONG_MAX, 0), EOVERFLOW);
    CHECK_ERR(fcntl(fd, F_SETLK, BAD_PTR), EFAULT);
    CHECK_ERR(fcntl(fd, F_GETLK, BAD_PTR), EFAULT);
    struct flock with_pid = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_pid = 1};
    CHECK_ERR(fcntl(fd, F_OFD_SETLK, &with_pid), EINVAL);
    CHECK_ERR(fcntl(fd, F_OFD_GETLK, &with_pid), EINVAL);
    int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY), opath = open(path, O_PATH);
    CHECK(ro >= 0 && wo >= 0 && opath >= 0);
    CHECK_ERR(lock(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 0), EBADF);
    CHECK_ERR(lock(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF);
    CHECK_ERR(lock(opath, F_SETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF);
    CHECK_ERR(lock(opath, F_GETLK, F_RDLCK, SEEK_SET, 0, 0), EBADF);
    CHECK(lock(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0); // unlocking needs no access mode
    CHECK(close(ro) == 0 && close(wo) == 0 && close(opath) == 0);

    // A process's own locks never conflict; another process's do.
    CHECK(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 11) == 0);
    CHECK(lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 11) == 0);
    CHECK(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 11) == 0);
    CHECK(test(fd, F_GETLK, F_WRLCK, 0, 0).l_type == F_UNLCK);
    CHECK(proc_locks_has("POSIX  ADVISORY  WRITE", getpid(), st.st_ino, "0 10"));
    in_child(child_sees_parent_lock, 0);

    // A partial unlock splits a lock.
    CHECK(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100) == 0);
    CHECK(lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20) == 0);
    in_child(child_sees_split, 0);

    // Adjacent locks of one type merge (and a type change replaces the range).
    CHECK(lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);
    CHECK(lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10) == 0);
    CHECK(lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10) == 0);
    CHECK(proc_locks_has("POSIX  ADVISORY  READ ", getpid(), st.st_ino, "0 19"));
    in_child(child_sees_merge, 0);

    // Closing any descriptor of the file releases the process's locks.
    int other = open(path, O_RDONLY);
    CHECK(other >= 0);
    CHECK(close(other) == 0);
    in_child(child_sees_nothing, 0);

    // SEEK_CUR, SEEK_END and negative lengths.
    CHECK(lseek(fd, 50, SEEK_SET) == 50);
    CHECK(lock(fd, F_SETLK, F_WRLCK, SEEK_CUR, -10, 5) == 0);
    in_child(child_sees_range, 40 * 100 + 5);
    CHECK(lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);
    CHECK(lock(fd, F_SETLK, F_WRLCK, SEEK_END, 20, -10) == 0); // [20, 30) from size 10
    in_child(child_sees_range, 20 * 100 + 10);
    CHECK(lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);

    // F_SETLKW waits for the holder, and the holder's exit releases its locks.
    int ready[2], go[2];
    CHECK(pipe(ready) == 0 && pipe(go) == 0);
    pid_t holder = fork();
    if (holder == 0) {
        int c = open(path, O_RDWR);
        CHECK(lock(c, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0);
        CHECK(write(ready[1], "x", 1) == 1);
        usleep(100000);
        _exit(0);
    }
    char byte;
    CHECK(read(ready[0], &byte, 1) == 1);
    CHECK_ERR(lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN);
    CHECK(lock(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1) == 0);
    int status;
    CHECK(waitpid(holder, &status, 0) == holder && status == 0);

    // A wait that would close a cycle fails EDEADLK: we hold byte 0 and the child byte 1; the
    // child waits for byte 0, so our wait for byte 1 would never end.
    pid_t waiter = fork();
    if (waiter == 0) {
        int c = open(path, O_RDWR);
        CHECK(lock(c, F_SETLK, F_WRLCK, SEEK_SET, 1, 1) == 0);
        CHECK(write(ready[1], "x", 1) == 1);
        CHECK(lock(c, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1) == 0);
        _exit(0);
    }
    CHECK(read(ready[0], &byte, 1) == 1);
    wait_until_sleeping(waiter);
    CHECK_ERR(lock(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1), EDEADLK);
    CHECK(lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1) == 0);
    CHECK(waitpid(waiter, &status, 0) == waiter && status == 0);

    // A signal ends a wait with EINTR (no SA_RESTART).
    holder = fork();
    if (holder == 0) {
        int c = open(path, O_RDWR);
        CHECK(lock(c, F_SETLK, F_RDLCK, SEEK_SET, 0, 0) == 0);
        CHECK(write(ready[1], "x", 1) == 1);
        CHECK(read(go[0], &byte, 1) == 1);
        _exit(0);
    }
    CHECK(read(ready[0], &byte, 1) == 1);
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = {{0, 0}, {0, 50000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK_ERR(lock(fd, F_SETLKW, F_WRLCK, SEEK_SET, 5, 1), EINTR);
    CHECK(write(go[1], "x", 1) == 1);
    CHECK(waitpid(holder, &status, 0) == holder && status == 0);

    // Open-file-description locks: two descriptions of one process conflict.
    int a = open(path, O_RDWR), b = open(path, O_RDWR);
    CHECK(a >= 0 && b >= 0);
    CHECK(lock(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10) == 0);
    CHECK_ERR(lock(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN);
    CHECK_ERR(lock(b, F_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN); // and with POSIX locks
    struct flock fl = test(b, F_OFD_GETLK, F_RDLCK, 0, 0);
    CHECK(fl.l_type == F_WRLCK && fl.l_pid == -1 && fl.l_start == 0 && fl.l_len == 10);
    CHECK(test(a, F_OFD_GETLK, F_WRLCK, 0, 0).l_type == F_UNLCK);
    CHECK(proc_locks_has("OFDLCK ADVISORY  WRITE", -1, st.st_ino, "0 9"));
    CHECK(close(b) == 0); // closing another description leaves it
    in_child(child_sees_ofd, 0);
    int a2 = dup(a);
    CHECK(close(a) == 0); // a dup keeps the description open
    in_child(child_sees_ofd, 0);
    CHECK(close(a2) == 0);
    in_child(child_sees_nothing, 0);

    // Blocking OFD wait inside one process: a child (sharing the description) unlocks it.
    a = open(path, O_RDWR);
    b = open(path, O_RDWR);
    CHECK(lock(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0);
    holder = fork();
    if (holder == 0) {
        usleep(50000);
        CHECK(lock(a, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);
        _exit(0);
    }
    CHECK(lock(b, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 0) == 0);
    CHECK(waitpid(holder, &status, 0) == holder && status == 0);
    CHECK(unlink(path) == 0);
    puts("fcntl_locks ok");
    return 0;
}
