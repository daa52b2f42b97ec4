// Reaching into another process through /proc follows Linux's ptrace_may_access: the same user
// (real, effective and saved IDs) and a dumpable target, or CAP_SYS_PTRACE; else EACCES.
// PR_SET_DUMPABLE/PR_GET_DUMPABLE, and a change of identity making a process undumpable.
#include "perm_common.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>

static int ready[2], hold[2];
static pid_t target;
static char path[64];

static const char *proc(const char *entry)
{
    snprintf(path, sizeof path, "/proc/%d/%s", (int)target, entry);
    return path;
}

/* The target: uid 65534, dumpable again, waits until the parent closes `hold`. */
static void start_target(int is_dumpable)
{
    CHECK(pipe(ready) == 0 && pipe(hold) == 0);
    fflush(NULL);
    target = fork();
    CHECK(target >= 0);
    if (target == 0) {
        CHECK(setgroups(0, NULL) == 0);
        CHECK(setresgid(NOBODY, NOBODY, NOBODY) == 0);
        CHECK(setresuid(NOBODY, NOBODY, NOBODY) == 0);
        /* A change of identity leaves the process undumpable (Linux's commit_creds). */
        CHECK(prctl(PR_GET_DUMPABLE) == 0);
        CHECK_ERR(prctl(PR_SET_DUMPABLE, 2), EINVAL);
        CHECK(prctl(PR_SET_DUMPABLE, is_dumpable) == 0);
        CHECK(prctl(PR_GET_DUMPABLE) == is_dumpable);
        close(ready[0]);
        close(hold[1]);
        CHECK(write(ready[1], "r", 1) == 1);
        char c;
        (void)read(hold[0], &c, 1);
        _exit(0);
    }
    close(ready[1]);
    close(hold[0]);
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    close(ready[0]);
}

static void stop_target(void)
{
    close(hold[1]);
    int status;
    CHECK(waitpid(target, &status, 0) == target);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void can_reach(void)
{
    int fd = open(proc("environ"), O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
    char buf[256];
    CHECK(readlink(proc("cwd"), buf, sizeof buf) > 0);
    fd = open(proc("fd"), O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    close(fd);
    struct stat st;
    CHECK(stat(proc(""), &st) == 0 && st.st_uid == NOBODY);
}

static void cannot_reach(void)
{
    CHECK_ERR(open(proc("environ"), O_RDONLY), EACCES);
    CHECK_ERR(open(proc("maps"), O_RDONLY), EACCES);
    char buf[256];
    CHECK_ERR(readlink(proc("cwd"), buf, sizeof buf), EACCES);
    CHECK_ERR(readlink(proc("exe"), buf, sizeof buf), EACCES);
    CHECK_ERR(open(proc("fd"), O_RDONLY | O_DIRECTORY), EACCES);
    /* What anyone may read stays readable. */
    int fd = open(proc("cmdline"), O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
}

/* An undumpable process's entries belong to root, but /proc/PID itself still shows its euid. */
static void undumpable_owner(void)
{
    struct stat st;
    CHECK(stat(proc(""), &st) == 0 && st.st_uid == NOBODY);
    CHECK(lstat(proc("environ"), &st) == 0 && st.st_uid == 0);
    CHECK(lstat(proc("cwd"), &st) == 0 && st.st_uid == 0);
}

int main(void)
{
    require_root("perm_proc");
    CHECK(prctl(PR_GET_DUMPABLE) == 1);

    start_target(1);
    as_user(NOBODY, can_reach);       /* same user, dumpable */
    as_user(NOBODY - 1, cannot_reach); /* another user */
    can_reach();                      /* root: CAP_SYS_PTRACE */
    stop_target();

    start_target(0);
    as_user(NOBODY, cannot_reach); /* same user, but not dumpable */
    as_user(NOBODY, undumpable_owner);
    int fd = open(proc("environ"), O_RDONLY); /* root still may */
    CHECK(fd >= 0);
    close(fd);
    stop_target();
    puts("perm_proc: ok");
    return 0;
}
