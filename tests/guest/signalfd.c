// signalfd and signalfd4: a bad mask size, unknown flags, a non-signalfd fd are EINVAL, a bad
// fd EBADF, SFD_NONBLOCK/SFD_CLOEXEC; a read takes a blocked pending signal (not delivered)
// as a 128-byte signalfd_siginfo with the sender's pid and uid (and sigqueue's value), several
// at once, reads of less than 128 bytes are EINVAL, EAGAIN when nothing is pending; a new mask
// for an existing signalfd; SIGKILL/SIGSTOP in the mask are ignored; a thread-directed signal
// is read too; poll and epoll see pending signals; a blocking read wakes for a signal another
// process sends.
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    _Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo is 128 bytes");
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    sigaddset(&mask, SIGRTMIN);
    CHECK(sigprocmask(SIG_BLOCK, &mask, NULL) == 0);

    CHECK_ERR(syscall(SYS_signalfd4, -1, &mask, 4, 0), EINVAL);
    CHECK_ERR(syscall(SYS_signalfd4, -1, BAD_PTR, 8, 0), EFAULT);
    CHECK_ERR(signalfd(-1, &mask, 1), EINVAL);
    CHECK_ERR(signalfd(999, &mask, 0), EBADF);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(signalfd(p[0], &mask, 0), EINVAL);

    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK(sfd >= 0 && (fcntl(sfd, F_GETFD) & FD_CLOEXEC) && (fcntl(sfd, F_GETFL) & O_NONBLOCK));
    CHECK(syscall(SYS_signalfd, -1, &mask, 8) >= 0); // the old call

    struct signalfd_siginfo info[4];
    CHECK_ERR(read(sfd, info, sizeof info), EAGAIN);
    CHECK_ERR(read(sfd, info, 127), EINVAL);
    CHECK_ERR(write(sfd, info, 128), EINVAL);
    struct pollfd pfd = {sfd, POLLIN, 0};
    CHECK(poll(&pfd, 1, 0) == 0);

    // One signal: its sender in the record, and it is no longer pending.
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);
    CHECK(read(sfd, info, sizeof info) == 128);
    CHECK(info[0].ssi_signo == SIGUSR1 && info[0].ssi_code == SI_USER);
    CHECK(info[0].ssi_pid == (uint32_t)getpid() && info[0].ssi_uid == getuid());
    sigset_t pending;
    CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1));
    CHECK(poll(&pfd, 1, 0) == 0);

    // Several at once, lowest first; sigqueue's value comes through.
    CHECK(kill(getpid(), SIGUSR2) == 0);
    union sigval value = {.sival_int = 42};
    CHECK(sigqueue(getpid(), SIGRTMIN, value) == 0);
    CHECK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1) == 0);
    CHECK(read(sfd, info, sizeof info) == 3 * 128);
    CHECK(info[0].ssi_signo == SIGUSR1 && info[0].ssi_code == SI_TKILL);
    CHECK(info[1].ssi_signo == SIGUSR2);
    CHECK(info[2].ssi_signo == (uint32_t)SIGRTMIN && info[2].ssi_code == SI_QUEUE && info[2].ssi_int == 42);

    // A new mask for the same signalfd; SIGKILL and SIGSTOP are left out silently.
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    sigaddset(&only2, SIGKILL);
    sigaddset(&only2, SIGSTOP);
    CHECK(signalfd(sfd, &only2, 0) == sfd);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK_ERR(read(sfd, info, sizeof info), EAGAIN);
    CHECK(kill(getpid(), SIGUSR2) == 0);
    CHECK(read(sfd, info, sizeof info) == 128 && info[0].ssi_signo == SIGUSR2);
    CHECK(signalfd(sfd, &mask, 0) == sfd);

    // epoll hears a signal.
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 9}, out;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev) == 0);
    CHECK(epoll_wait(ep, &out, 1, 0) == 1); // SIGUSR1 is still pending
    CHECK(read(sfd, info, sizeof info) == 128 && info[0].ssi_signo == SIGUSR1);
    CHECK(epoll_wait(ep, &out, 1, 0) == 0);

    // A blocking read (and a blocking epoll_wait) wake for a signal another process sends.
    int blocking = signalfd(-1, &mask, 0);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        kill(parent, SIGUSR2);
        usleep(50000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    CHECK(read(blocking, info, sizeof info) == 128 && info[0].ssi_signo == SIGUSR2);
    CHECK(info[0].ssi_pid == (uint32_t)child);
    CHECK(epoll_wait(ep, &out, 1, 5000) == 1 && out.data.u64 == 9);
    CHECK(read(blocking, info, sizeof info) == 128 && info[0].ssi_signo == SIGUSR1);
    int status;
    CHECK(waitpid(child, &status, 0) == child && status == 0);
    // The child's exit is a SIGCHLD, not in the mask: not read.
    CHECK_ERR(read(sfd, info, sizeof info), EAGAIN);

    puts("signalfd ok");
    return 0;
}
