// clone3's set_tid (checkpoint/restore): the child gets the pid asked for; a pid in use is
// EEXIST, 0 or a negative one or one past pid_max EINVAL, more entries than pid namespace
// levels EINVAL, an unreadable array EFAULT, set_tid without set_tid_size (or the reverse)
// EINVAL, and without CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN EPERM. Runs as root.
#include "check.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long clone3_with_tid(pid_t *ids, uint64_t count)
{
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.exit_signal = SIGCHLD;
    args.set_tid = (uint64_t)(uintptr_t)ids;
    args.set_tid_size = count;
    return syscall(SYS_clone3, &args, sizeof args);
}

/* Forks with the asked-for pid; the child exits at once with 7. Returns the pid or -errno. */
static long fork_as(pid_t *ids, uint64_t count)
{
    long pid = clone3_with_tid(ids, count);
    if (pid == 0)
        _exit(getpid() == ids[0] ? 7 : 8);
    return pid < 0 ? -errno : pid;
}

/* A pid that nothing has: past the live ones, found by probing with kill. */
static pid_t free_pid(void)
{
    for (pid_t pid = getpid() + 1000; pid < getpid() + 100000; pid += 97) {
        if (kill(pid, 0) != 0 && errno == ESRCH)
            return pid;
    }
    return -1;
}

int main(void)
{
    if (geteuid() != 0) {
        printf("SKIP: needs root\n");
        return 0;
    }
    pid_t want = free_pid();
    CHECK(want > 0);
    pid_t ids[2] = {want, want};
    long pid = fork_as(ids, 1);
    if (pid == -EEXIST) {
        /* Natively another host process may take the pid between the probe and the clone. */
        want = free_pid();
        ids[0] = want;
        pid = fork_as(ids, 1);
    }
    CHECK(pid == want);
    int status;
    CHECK(waitpid(want, &status, 0) == want && WIFEXITED(status) && WEXITSTATUS(status) == 7);

    /* Our own pid is taken. */
    pid_t mine = getpid();
    CHECK(fork_as(&mine, 1) == -EEXIST);
    pid_t bad[] = {0, -5, 1 << 30};
    for (int i = 0; i < 3; i++)
        CHECK(fork_as(&bad[i], 1) == -EINVAL);
    /* One pid namespace level: two entries are too many. */
    ids[0] = ids[1] = free_pid();
    CHECK(fork_as(ids, 2) == -EINVAL);
    /* More than MAX_PID_NS_LEVEL (32) entries: EINVAL before the array is read. */
    CHECK(clone3_with_tid(ids, 33) == -1 && errno == EINVAL);
    /* The array is read first: a bad pointer is EFAULT. */
    CHECK(clone3_with_tid((pid_t *)8, 1) == -1 && errno == EFAULT);
    CHECK(clone3_with_tid(NULL, 1) == -1 && errno == EINVAL);
    CHECK(clone3_with_tid(ids, 0) == -1 && errno == EINVAL);

    /* Without the capabilities: EPERM (in a child, which drops them). */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        CHECK(setresuid(65534, 65534, 65534) == 0);
        ids[0] = free_pid();
        CHECK(fork_as(ids, 1) == -EPERM);
        /* An invalid pid is EINVAL before the privilege check. */
        CHECK(fork_as(&bad[0], 1) == -EINVAL);
        _exit(0);
    }
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("clone3_set_tid: ok\n");
    return 0;
}
