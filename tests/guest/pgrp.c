// Process groups and sessions: getpgrp/getpgid/getsid of self, children and strangers; a child
// inherits both; setpgid(0,0) makes a group, setpgid moves a child into another group of the same
// session; setsid makes a new session and group led by the caller (and fails with EPERM for a
// group leader); the errors: setpgid of a non-child or unknown pid (ESRCH), of a child after it
// exec'd (EACCES), of a child in another session (EPERM), of a session leader (EPERM), into a
// group of another session or a group that does not exist (EPERM), a negative pgid (EINVAL);
// getpgid/getsid of an unknown pid (ESRCH); kill(-pgid) and waitpid(-pgid) reach exactly the
// group; a zombie keeps its group alive until it is reaped.
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* A child that runs fn (if any), reports its result on a pipe, then waits to be killed. */
static pid_t spawn(int (*fn)(void), int *result)
{
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        int r = fn ? fn() : 0;
        if (write(p[1], &r, sizeof r) != sizeof r)
            _exit(100);
        for (;;)
            pause();
    }
    close(p[1]);
    int r;
    CHECK(read(p[0], &r, sizeof r) == sizeof r);
    close(p[0]);
    if (result)
        *result = r;
    return pid;
}

static void reap_killed(pid_t pid)
{
    int status;
    kill(pid, SIGKILL);
    CHECK(waitpid(pid, &status, 0) == pid);
}

static pid_t unknown_pid(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(0);
    CHECK(waitpid(pid, NULL, 0) == pid);
    return pid; /* reaped: no such process now */
}

static int do_setsid(void) { return setsid() == getpid() ? 0 : errno; }
static int do_setpgid_self(void) { return setpgid(0, 0) == 0 ? 0 : errno; }

static int setsid_as_leader(void)
{
    if (setpgid(0, 0) != 0)
        return 1000 + errno;
    errno = 0;
    return setsid() == -1 ? errno : 0;
}

static int setsid_twice(void)
{
    if (setsid() != getpid())
        return 1000 + errno;
    if (getsid(0) != getpid() || getpgrp() != getpid())
        return 2000;
    errno = 0;
    if (setsid() != -1)
        return 3000;
    int e1 = errno;
    /* A session leader cannot change its group either. */
    errno = 0;
    if (setpgid(0, 0) != -1)
        return 4000;
    return e1 * 100 + errno;
}

static void self_ids(void)
{
    pid_t pgrp = getpgrp();
    CHECK(pgrp > 0);
    CHECK(getpgid(0) == pgrp);
    CHECK(getpgid(getpid()) == pgrp);
    CHECK(getsid(0) > 0);
    CHECK(getsid(getpid()) == getsid(0));
    pid_t gone = unknown_pid();
    CHECK_ERR(getpgid(gone), ESRCH);
    CHECK_ERR(getsid(gone), ESRCH);
    CHECK_ERR(getpgid(-1), ESRCH);
    /* Our parent's ids are visible (natively a shell; under asterix pid 0 does not exist). */
    if (getppid() > 0)
        CHECK(getpgid(getppid()) > 0);
}

static void children(void)
{
    /* Inherited ids. */
    pid_t child = spawn(NULL, NULL);
    CHECK(getpgid(child) == getpgrp());
    CHECK(getsid(child) == getsid(0));

    /* The parent puts the child in its own group; then the child moves back. */
    CHECK(setpgid(child, child) == 0);
    CHECK(getpgid(child) == child);
    CHECK(setpgid(child, child) == 0); /* again: fine */
    CHECK(setpgid(child, getpgrp()) == 0);
    CHECK(getpgid(child) == getpgrp());
    /* setpgid(pid, 0) means pgid = pid. */
    CHECK(setpgid(child, 0) == 0);
    CHECK(getpgid(child) == child);

    /* A second child joins the first one's group. */
    pid_t second = spawn(NULL, NULL);
    CHECK(setpgid(second, child) == 0);
    CHECK(getpgid(second) == child);
    /* Into a group that does not exist in our session: EPERM. */
    pid_t gone = unknown_pid();
    CHECK_ERR(setpgid(second, gone), EPERM);
    CHECK_ERR(setpgid(second, -1), EINVAL);
    CHECK_ERR(setpgid(gone, gone), ESRCH);

    /* kill(-pgid) reaches both and nobody else; waitpid(-pgid) waits only for that group. */
    pid_t other = spawn(NULL, NULL);
    CHECK(kill(-child, SIGTERM) == 0);
    int status;
    pid_t got1 = waitpid(-child, &status, 0);
    CHECK(got1 == child || got1 == second);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    pid_t got2 = waitpid(-child, &status, 0);
    CHECK((got2 == child || got2 == second) && got2 != got1);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    /* The group is empty now. */
    CHECK_ERR(waitpid(-child, &status, WNOHANG), ECHILD);
    CHECK_ERR(kill(-child, SIGTERM), ESRCH);
    CHECK(waitpid(other, &status, WNOHANG) == 0); /* untouched */
    reap_killed(other);

    /* The child makes its own group. */
    int r;
    child = spawn(do_setpgid_self, &r);
    CHECK(r == 0);
    CHECK(getpgid(child) == child);
    reap_killed(child);
}

static void sessions(void)
{
    int r;
    /* setsid in a fresh child: new session and group, both its pid. */
    pid_t child = spawn(do_setsid, &r);
    CHECK(r == 0);
    CHECK(getsid(child) == child);
    CHECK(getpgid(child) == child);
    /* We cannot move a child that is in another session: EPERM; nor into its group. */
    CHECK_ERR(setpgid(child, child), EPERM);
    CHECK_ERR(setpgid(child, getpgrp()), EPERM);
    pid_t mine = spawn(NULL, NULL);
    CHECK_ERR(setpgid(mine, child), EPERM); /* a group of another session */
    reap_killed(mine);
    reap_killed(child);

    /* A group leader cannot setsid. */
    child = spawn(setsid_as_leader, &r);
    CHECK(r == EPERM);
    reap_killed(child);
    /* setsid twice: EPERM, and a session leader cannot setpgid: EPERM. */
    child = spawn(setsid_twice, &r);
    CHECK(r == EPERM * 100 + EPERM);
    reap_killed(child);

    /* A grandchild: not our child, ESRCH for setpgid; it inherits the new session. */
    int p[2];
    CHECK(pipe(p) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (setsid() < 0)
            _exit(1);
        pid_t g = fork();
        if (g < 0)
            _exit(2);
        if (g == 0) {
            for (;;)
                pause();
        }
        if (write(p[1], &g, sizeof g) != sizeof g)
            _exit(3);
        int st;
        waitpid(g, &st, 0);
        _exit(WIFSIGNALED(st) ? 0 : 4);
    }
    pid_t grandchild;
    CHECK(read(p[0], &grandchild, sizeof grandchild) == sizeof grandchild);
    CHECK(getsid(grandchild) == child);
    CHECK(getpgid(grandchild) == child);
    CHECK_ERR(setpgid(grandchild, grandchild), ESRCH);
    /* Our parent is not our child either. */
    if (getppid() > 0)
        CHECK_ERR(setpgid(getppid(), getppid()), ESRCH);
    CHECK(kill(grandchild, SIGKILL) == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(p[0]);
    close(p[1]);
}

static void after_exec(void)
{
    /* The child execs; once it has, setpgid on it is EACCES. A close-on-exec pipe tells us. */
    int p[2];
    CHECK(pipe2(p, O_CLOEXEC) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(p[0]);
        char *argv[] = {"sleep", "10", NULL};
        char *envp[] = {NULL};
        execve("/bin/sleep", argv, envp);
        _exit(127);
    }
    close(p[1]);
    char c;
    CHECK(read(p[0], &c, 1) == 0); /* EOF: exec'd */
    close(p[0]);
    sleep_ms(10);
    CHECK_ERR(setpgid(child, child), EACCES);
    CHECK(getpgid(child) == getpgrp());
    reap_killed(child);
}

/* A group whose only member is a zombie still exists until the zombie is reaped (a pipeline's
   first process may exit before the shell moves the next one into its group). */
static void zombie_group(void)
{
    pid_t leader = fork();
    CHECK(leader >= 0);
    if (leader == 0) {
        setpgid(0, 0);
        _exit(0);
    }
    siginfo_t info;
    CHECK(waitid(P_PID, leader, &info, WEXITED | WNOWAIT) == 0); /* exited, not reaped */
    CHECK(getpgid(leader) == leader);
    pid_t joiner = spawn(NULL, NULL);
    CHECK(setpgid(joiner, leader) == 0);
    CHECK(getpgid(joiner) == leader);
    CHECK(kill(joiner, SIGKILL) == 0);
    CHECK(waitpid(joiner, NULL, 0) == joiner);
    CHECK(waitpid(leader, NULL, 0) == leader);
    /* Reaped: the group is gone. */
    pid_t late = spawn(NULL, NULL);
    CHECK_ERR(setpgid(late, leader), EPERM);
    CHECK(kill(late, SIGKILL) == 0);
    CHECK(waitpid(late, NULL, 0) == late);
}

int main(void)
{
    self_ids();
    children();
    sessions();
    after_exec();
    zombie_group();
    printf("pgrp: ok\n");
    return 0;
}
