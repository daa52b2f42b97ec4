/* process_vm_readv/process_vm_writev: copies between this process and a forked child (same
 * user, dumpable), across several segments on both sides; a fault ends the copy (partial count,
 * or EFAULT when nothing moved); flags and counts are checked first (EINVAL), an empty remote
 * side copies nothing even for a missing pid, a missing pid is ESRCH, and a non-dumpable target
 * is EPERM for a caller without CAP_SYS_PTRACE. */
#include "check.h"
#include "has_cap.h"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static char shared_text[64] = "the child's buffer";

/* A child that waits for its pipe to close, then reports whether its buffer was rewritten. */
static pid_t start_child(int *to_child, int make_undumpable)
{
    int p[2], ready[2];
    CHECK(pipe(p) == 0 && pipe(ready) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        if (make_undumpable)
            prctl(PR_SET_DUMPABLE, 0);
        CHECK(write(ready[1], "r", 1) == 1);
        char c;
        alarm(30);
        while (read(p[0], &c, 1) > 0) {
        }
        _exit(strcmp(shared_text, "written by parent") == 0 ? 0 : 3);
    }
    close(p[0]);
    close(ready[1]);
    struct pollfd pfd = {ready[0], POLLIN, 0};
    CHECK(poll(&pfd, 1, 20000) == 1);
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    close(ready[0]);
    *to_child = p[1];
    return pid;
}

int main(void)
{
    int to_child;
    pid_t pid = start_child(&to_child, 0);

    /* Read the child's buffer into two local pieces. */
    char a[4], b[60];
    struct iovec local[2] = {{a, sizeof a}, {b, sizeof b}};
    struct iovec remote[1] = {{shared_text, sizeof shared_text}};
    strcpy(shared_text, "changed in the parent only");
    CHECK(process_vm_readv(pid, local, 2, remote, 1, 0) == 64);
    CHECK(memcmp(a, "the ", 4) == 0 && strcmp(b, "child's buffer") == 0);

    /* Write into it from one local piece into two remote ones. */
    char text[64] = "written by parent";
    struct iovec from[1] = {{text, sizeof text}};
    struct iovec to[2] = {{shared_text, 10}, {shared_text + 10, 54}};
    CHECK(process_vm_writev(pid, from, 1, to, 2, 0) == 64);

    /* Faults: the second remote segment is bad, so only the first counts; a bad first is EFAULT. */
    struct iovec partial[2] = {{shared_text, 8}, {BAD_PTR, 8}};
    CHECK(process_vm_readv(pid, local, 2, partial, 2, 0) == 8);
    struct iovec bad[1] = {{BAD_PTR, 8}};
    CHECK_ERR(process_vm_readv(pid, local, 2, bad, 1, 0), EFAULT);
    struct iovec bad_local[1] = {{BAD_PTR, 8}};
    CHECK_ERR(process_vm_readv(pid, bad_local, 1, remote, 1, 0), EFAULT);

    /* Checks before the target. */
    CHECK_ERR(process_vm_readv(pid, local, 2, remote, 1, 1), EINVAL);
    CHECK_ERR(process_vm_readv(pid, local, 2000, remote, 1, 0), EINVAL);
    CHECK_ERR(process_vm_readv(pid, local, 2, remote, 2000, 0), EINVAL);
    struct iovec empty[1] = {{shared_text, 0}};
    CHECK(process_vm_readv(999999, local, 2, empty, 1, 0) == 0);
    CHECK_ERR(process_vm_readv(999999, local, 2, remote, 1, 0), ESRCH);

    close(to_child);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* A target that is not dumpable needs CAP_SYS_PTRACE. */
    pid = start_child(&to_child, 1);
    long got = process_vm_readv(pid, local, 2, remote, 1, 0);
    if (has_cap(CAP_SYS_PTRACE))
        CHECK(got == 64);
    else
        CHECK(got == -1 && errno == EPERM);
    kill(pid, SIGKILL);
    close(to_child);
    CHECK(waitpid(pid, &status, 0) == pid);
    puts("process_vm: ok");
    return 0;
}
