/* /proc/PID/stat, status and wchan show Linux's process states: R for the caller, S for a
 * child blocked in read() on a pipe, T for a stopped child, Z for a zombie. */
#include "check.h"
#include "monotonic.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int read_text(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = 0;
    return (int)n;
}

/* The state letter of /proc/PID/stat (after the parenthesised comm), or 0. */
static char stat_state(const char *path)
{
    char buf[1024];
    if (read_text(path, buf, sizeof buf) < 0)
        return 0;
    char *close_paren = strrchr(buf, ')');
    return close_paren && close_paren[1] == ' ' ? close_paren[2] : 0;
}

/* Polls the state until it is `want`, for at most 10 s of wall time. */
static void wait_for_state(const char *path, char want)
{
    double deadline = now_s() + 10;
    char state = 0;
    while (now_s() < deadline) {
        state = stat_state(path);
        if (state == want)
            return;
        usleep(1000);
    }
    fprintf(stderr, "%s: state %c never became %c within 10 s\n", path, state ? state : '?', want);
    exit(1);
}

static void check_status_state(pid_t pid, const char *want)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    CHECK(read_text(path, buf, sizeof buf) > 0);
    if (!strstr(buf, want)) {
        fprintf(stderr, "%s lacks \"%s\":\n%s", path, want, buf);
        exit(1);
    }
}

int main(void)
{
    alarm(30);
    char path[64];

    CHECK(stat_state("/proc/self/stat") == 'R');
    check_status_state(getpid(), "State:\tR (running)");

    /* S: a child blocked reading an empty pipe. */
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t reader = fork();
    CHECK(reader >= 0);
    if (reader == 0) {
        char c;
        close(fds[1]);
        _exit(read(fds[0], &c, 1) == 1 ? 0 : 2);
    }
    close(fds[0]);
    snprintf(path, sizeof path, "/proc/%d/stat", reader);
    wait_for_state(path, 'S');
    check_status_state(reader, "State:\tS (sleeping)");
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", reader, reader);
    CHECK(stat_state(path) == 'S');
    char wchan[128];
    snprintf(path, sizeof path, "/proc/%d/wchan", reader);
    CHECK(read_text(path, wchan, sizeof wchan) > 0);
    /* Linux names the function (pipe_read; anon_pipe_read since 6.15), or "0" when hidden. */
    if (!strstr(wchan, "pipe_read") && strcmp(wchan, "0") != 0) {
        fprintf(stderr, "wchan of a pipe reader is \"%s\"\n", wchan);
        return 1;
    }
    CHECK(write(fds[1], "x", 1) == 1);
    int status;
    CHECK(waitpid(reader, &status, 0) == reader);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[1]);

    /* T: a stopped child. */
    pid_t sleeper = fork();
    CHECK(sleeper >= 0);
    if (sleeper == 0) {
        for (;;)
            pause();
    }
    CHECK(kill(sleeper, SIGSTOP) == 0);
    CHECK(waitpid(sleeper, &status, WUNTRACED) == sleeper);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    snprintf(path, sizeof path, "/proc/%d/stat", sleeper);
    wait_for_state(path, 'T');
    check_status_state(sleeper, "State:\tT (stopped)");
    CHECK(kill(sleeper, SIGCONT) == 0);
    wait_for_state(path, 'S');

    /* Z: the child has exited and nobody has waited for it yet. */
    CHECK(kill(sleeper, SIGKILL) == 0);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK(waitid(P_PID, sleeper, &info, WEXITED | WNOWAIT) == 0);
    CHECK(info.si_pid == sleeper && info.si_code == CLD_KILLED);
    wait_for_state(path, 'Z');
    check_status_state(sleeper, "State:\tZ (zombie)");
    /* A zombie's memory is gone: its cmdline reads empty, its cwd no longer resolves. */
    char cmdline[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", sleeper);
    CHECK(read_text(path, cmdline, sizeof cmdline) == 0);
    char cwd_link[64], target[256];
    snprintf(cwd_link, sizeof cwd_link, "/proc/%d/cwd", sleeper);
    CHECK_ERR(readlink(cwd_link, target, sizeof target), ENOENT);
    CHECK(waitpid(sleeper, &status, 0) == sleeper);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    snprintf(path, sizeof path, "/proc/%d/stat", sleeper);
    CHECK_ERR(open(path, O_RDONLY), ENOENT);
    puts("proc_states ok");
    return 0;
}
