/* Who may ptrace whom: the classic rules (the same user, a dumpable target, CAP_SYS_PTRACE for
 * others) and Yama's /proc/sys/kernel/yama/ptrace_scope: at 0 a process may attach to any of
 * its user's, at 1 only to its descendants (PTRACE_TRACEME still works), at 2 only with
 * CAP_SYS_PTRACE. Runs as root and drops to an unprivileged user in the children. Where Yama
 * is missing (a host without it) only the classic rules are checked; where it is there, the
 * scope found is put back at the end. */
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534
#define OTHER_USER 65533

static const char *scope_path = "/proc/sys/kernel/yama/ptrace_scope";

static int read_scope(void)
{
    int fd = open(scope_path, O_RDONLY);
    if (fd < 0)
        return -1;
    char text[16] = {0};
    ssize_t got = read(fd, text, sizeof(text) - 1);
    close(fd);
    return got > 0 ? atoi(text) : -1;
}

static void write_scope(int scope)
{
    int fd = open(scope_path, O_WRONLY);
    CHECK(fd >= 0);
    char text[4] = {(char)('0' + scope), '\n'};
    CHECK(write(fd, text, 2) == 2);
    close(fd);
    CHECK(read_scope() == scope);
}

static void become(uid_t uid)
{
    if (setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0)
        _exit(90);
    /* A change of credentials makes the process undumpable; a program that wants to be
     * debugged by its user says so. */
    if (prctl(PR_SET_DUMPABLE, 1) != 0)
        _exit(91);
}

/* A process of user `uid` that waits to be killed. */
static pid_t spawn_target(uid_t uid, int is_dumpable)
{
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        become(uid);
        if (!is_dumpable && prctl(PR_SET_DUMPABLE, 0) != 0)
            _exit(92);
        if (write(ready[1], "x", 1) != 1)
            _exit(93);
        alarm(60); /* a failed test leaves no process behind */
        for (;;)
            pause();
    }
    close(ready[1]);
    char byte;
    CHECK(read(ready[0], &byte, 1) == 1);
    close(ready[0]);
    return pid;
}

/* In a child running as `uid`: PTRACE_ATTACH to `target`; the child's exit status is 0 when the
 * attach worked (and was undone), else the errno. */
static int attach_as(uid_t uid, pid_t target)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        become(uid);
        if (ptrace(PTRACE_ATTACH, target, 0, 0) != 0)
            _exit(errno);
        int status = 0;
        if (waitpid(target, &status, __WALL) != target || !WIFSTOPPED(status))
            _exit(100);
        _exit(ptrace(PTRACE_DETACH, target, 0, 0) == 0 ? 0 : 101);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* In a child running as `uid`: forks a grandchild and attaches to it (a descendant), and runs a
 * PTRACE_TRACEME child; 0 when both worked. */
static int trace_descendants_as(uid_t uid)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        become(uid);
        pid_t grandchild = fork();
        if (grandchild == 0) {
            alarm(60);
            for (;;)
                pause();
        }
        int status = 0;
        if (ptrace(PTRACE_ATTACH, grandchild, 0, 0) != 0)
            _exit(errno);
        if (waitpid(grandchild, &status, __WALL) != grandchild || !WIFSTOPPED(status))
            _exit(100);
        kill(grandchild, SIGKILL);
        waitpid(grandchild, &status, __WALL);
        pid_t traced = fork();
        if (traced == 0) {
            if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
                _exit(1);
            raise(SIGSTOP);
            _exit(0);
        }
        if (waitpid(traced, &status, 0) != traced || !WIFSTOPPED(status))
            _exit(102);
        if (ptrace(PTRACE_CONT, traced, 0, 0) != 0 || waitpid(traced, &status, 0) != traced || !WIFEXITED(status))
            _exit(103);
        _exit(0);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
    return WEXITSTATUS(status);
}

int main(void)
{
    alarm(60);
    if (getuid() != 0) {
        printf("ptrace_scope: skipped (needs root to change users)\n");
        return 0;
    }
    int original_scope = read_scope();

    /* The classic rules (scope 0, or no Yama). */
    if (original_scope > 0)
        write_scope(0);
    pid_t target = spawn_target(NOBODY, 1);
    CHECK(attach_as(NOBODY, target) == 0);           /* the same user, not a descendant */
    CHECK(attach_as(OTHER_USER, target) == EPERM);   /* another user */
    CHECK(attach_as(0, target) == 0);                /* CAP_SYS_PTRACE */
    kill(target, SIGKILL);
    CHECK(waitpid(target, 0, 0) == target);
    target = spawn_target(NOBODY, 0);
    CHECK(attach_as(NOBODY, target) == EPERM);       /* not dumpable */
    CHECK(attach_as(0, target) == 0);
    kill(target, SIGKILL);
    CHECK(waitpid(target, 0, 0) == target);
    CHECK(trace_descendants_as(NOBODY) == 0);

    if (original_scope < 0) {
        printf("ptrace_scope: ok (no Yama here: the classic rules only)\n");
        return 0;
    }

    /* Scope 1: only descendants, whatever the user; root keeps CAP_SYS_PTRACE. */
    write_scope(1);
    target = spawn_target(NOBODY, 1);
    CHECK(attach_as(NOBODY, target) == EPERM);
    CHECK(attach_as(0, target) == 0);
    CHECK(trace_descendants_as(NOBODY) == 0);

    /* Scope 2: only with CAP_SYS_PTRACE, descendants too. */
    write_scope(2);
    CHECK(attach_as(NOBODY, target) == EPERM);
    CHECK(attach_as(0, target) == 0);
    CHECK(trace_descendants_as(NOBODY) == EPERM);
    kill(target, SIGKILL);
    CHECK(waitpid(target, 0, 0) == target);

    /* Scope 0 again: the classic rules. Any scope but 3 can be changed back (3 is for good). */
    write_scope(0);
    target = spawn_target(NOBODY, 1);
    CHECK(attach_as(NOBODY, target) == 0);
    kill(target, SIGKILL);
    CHECK(waitpid(target, 0, 0) == target);
    if (original_scope != 0)
        write_scope(original_scope);
    printf("ptrace_scope: ok\n");
    return 0;
}
