/* ETXTBSY: execve of a file some descriptor has open for writing fails; while a program runs,
 * opening its file for writing and truncate(2) fail; read-only opens work, and once the
 * program has exited the file may be written again. The test runs a copy of itself. */
#include "check.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[] = "/tmp/exec_busy_XXXXXX";

static void copy_self(int out)
{
    int in = open("/proc/self/exe", O_RDONLY);
    CHECK(in >= 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        CHECK(write(out, buf, (size_t)n) == n);
    CHECK(n == 0);
    close(in);
    CHECK(fchmod(out, 0755) == 0);
}

/* The copy when run as "hold": tells the parent it runs, then waits for its pipe to close. */
static int hold(void)
{
    alarm(30);
    CHECK(write(1, "r", 1) == 1);
    char c;
    while (read(0, &c, 1) > 0) {
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "hold") == 0)
        return hold();
    if (argc > 1)
        return 0;

    int fd = mkstemp(path);
    CHECK(fd >= 0);
    copy_self(fd);

    /* Open for writing here: an exec of the file is refused. */
    char *child_argv[] = {"exec_busy", "run", NULL};
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        execv(path, child_argv);
        _exit(errno == ETXTBSY ? 42 : 1);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    close(fd);

    /* Closed: it runs. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        execv(path, child_argv);
        _exit(1);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Running: no writer may open it, and it may not be truncated. */
    int to_child[2], from_child[2];
    CHECK(pipe(to_child) == 0 && pipe(from_child) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[1]);
        char *hold_argv[] = {"exec_busy", "hold", NULL};
        execv(path, hold_argv);
        _exit(1);
    }
    close(to_child[0]);
    close(from_child[1]);
    struct pollfd pfd = {from_child[0], POLLIN, 0};
    CHECK(poll(&pfd, 1, 20000) == 1);
    char c;
    CHECK(read(from_child[0], &c, 1) == 1 && c == 'r');
    CHECK_ERR(open(path, O_WRONLY), ETXTBSY);
    CHECK_ERR(open(path, O_RDWR), ETXTBSY);
    CHECK_ERR(open(path, O_WRONLY | O_TRUNC), ETXTBSY);
    CHECK_ERR(truncate(path, 10), ETXTBSY);
    fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
    close(to_child[1]);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Gone: writable again. */
    fd = open(path, O_WRONLY);
    CHECK(fd >= 0);
    close(fd);
    CHECK(truncate(path, 10) == 0);
    unlink(path);
    puts("exec_busy: ok");
    return 0;
}
