// /proc/PID/fdinfo of a pidfd has Linux's "Pid:" and "NSpid:" lines: the process's id while it
// runs and while it is a zombie, -1 once it has been reaped. Another file's fdinfo has none.
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long fdinfo_pid(int fd, int *found)
{
    char path[64], text[4096] = {0};
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int info = open(path, O_RDONLY);
    CHECK(info >= 0);
    ssize_t n = read(info, text, sizeof text - 1);
    CHECK(n > 0);
    close(info);
    CHECK(strstr(text, "flags:\t") != NULL);
    char *at = strstr(text, "\nPid:\t");
    *found = at != NULL;
    if (!at)
        return 0;
    long pid = strtol(at + 6, NULL, 10);
    char *ns = strstr(text, "\nNSpid:\t");
    CHECK(ns != NULL && strtol(ns + 8, NULL, 10) == pid);
    return pid;
}

int main(void)
{
    int found;
    int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
    CHECK(self >= 0);
    CHECK(fdinfo_pid(self, &found) == getpid() && found);

    int pipes[2];
    CHECK(pipe(pipes) == 0);
    fdinfo_pid(pipes[0], &found);
    CHECK(!found);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char byte;
        read(pipes[0], &byte, 1);
        _exit(0);
    }
    int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    CHECK(pidfd >= 0);
    CHECK(fdinfo_pid(pidfd, &found) == child && found);

    // A zombie still has its id.
    CHECK(write(pipes[1], "x", 1) == 1);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK(waitid(P_PID, child, &info, WEXITED | WNOWAIT) == 0 && info.si_pid == child);
    CHECK(fdinfo_pid(pidfd, &found) == child && found);

    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status));
    CHECK(fdinfo_pid(pidfd, &found) == -1 && found);
    printf("pidfd_fdinfo: ok\n");
    return 0;
}
