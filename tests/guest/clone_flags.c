/* clone and clone3 flag corners: invalid combinations (EINVAL), namespace flags (EINVAL for
 * CLONE_NEWUSER with CLONE_FS, EPERM without CAP_SYS_ADMIN), clone3's argument checks (size
 * E2BIG/EINVAL, the upper 32 bits of flags, exit_signal, stack and stack_size, set_tid and
 * set_tid_size), and CLONE_CLEAR_SIGHAND resetting handled signals in the child. */
#include "check.h"
#include "has_cap.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif

struct args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static long clone3_raw(struct args *a, size_t size) { return syscall(SYS_clone3, a, size); }

static long clone_raw(unsigned long flags) { return syscall(SYS_clone, flags, 0, 0, 0, 0); }

static void on_usr1(int sig) { (void)sig; }

int main(void)
{
    /* clone(2) combinations copy_process refuses. */
    CHECK_ERR(clone_raw(CLONE_THREAD | SIGCHLD), EINVAL);
    CHECK_ERR(clone_raw(CLONE_SIGHAND | SIGCHLD), EINVAL);
    CHECK_ERR(clone_raw(CLONE_NEWNS | CLONE_FS | SIGCHLD), EINVAL);
    CHECK_ERR(clone_raw(CLONE_NEWUSER | CLONE_FS | SIGCHLD), EINVAL);
    CHECK_ERR(clone_raw(CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_NEWPID), EINVAL);
    CHECK_ERR(clone_raw(CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_NEWUSER), EINVAL);
    if (!has_cap(CAP_SYS_ADMIN)) {
        int ns[] = {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP};
        for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++)
            CHECK_ERR(clone_raw((unsigned long)ns[i] | SIGCHLD), EPERM);
    }

    /* clone3: the size first. */
    struct args a;
    memset(&a, 0, sizeof a);
    static char big[8192];
    CHECK_ERR(clone3_raw((struct args *)big, sizeof big), E2BIG);
    CHECK_ERR(clone3_raw(&a, 63), EINVAL);
    struct {
        struct args a;
        uint64_t extra;
    } longer = {{0}, 1};
    CHECK_ERR(clone3_raw(&longer.a, sizeof longer), E2BIG);
    CHECK_ERR(clone3_raw(BAD_PTR, sizeof a), EFAULT);

    /* Flags: nothing above the known clone3 bits, no signal in the low byte. */
    memset(&a, 0, sizeof a);
    a.flags = 1ULL << 40;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    a.flags = SIGCHLD;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    a.flags = CLONE_CLEAR_SIGHAND | CLONE_SIGHAND | CLONE_VM;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    memset(&a, 0, sizeof a);
    a.exit_signal = 1ULL << 9;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    a.exit_signal = 65;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    a.exit_signal = SIGCHLD;
    a.flags = CLONE_PARENT;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    a.flags = 0;
    a.stack = (uint64_t)(uintptr_t)big;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    a.stack = 0;
    a.stack_size = 4096;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    a.stack_size = 0;

    /* set_tid: pointer and size go together, at most 32 levels; privilege, then EEXIST. */
    pid_t self = getpid();
    a.set_tid = (uint64_t)(uintptr_t)&self;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    a.set_tid = 0;
    a.set_tid_size = 1;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    a.set_tid = (uint64_t)(uintptr_t)&self;
    a.set_tid_size = 33;
    CHECK_ERR(clone3_raw(&a, sizeof a), EINVAL);
    a.set_tid_size = 1;
    CHECK_ERR(clone3_raw(&a, sizeof a), has_cap(CAP_SYS_ADMIN) ? EEXIST : EPERM);
    a.set_tid = 0;
    a.set_tid_size = 0;

    /* CLONE_CLEAR_SIGHAND: the child's handled signals are back to default, ignored stay. */
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, SIG_IGN);
    a.flags = CLONE_CLEAR_SIGHAND;
    a.exit_signal = SIGCHLD;
    long pid = clone3_raw(&a, sizeof a);
    CHECK(pid >= 0);
    if (pid == 0) {
        struct sigaction sa;
        sigaction(SIGUSR1, NULL, &sa);
        if (sa.sa_handler != SIG_DFL)
            _exit(1);
        sigaction(SIGUSR2, NULL, &sa);
        if (sa.sa_handler != SIG_IGN)
            _exit(2);
        _exit(0);
    }
    int status;
    CHECK(waitpid((pid_t)pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    puts("clone_flags: ok");
    return 0;
}
