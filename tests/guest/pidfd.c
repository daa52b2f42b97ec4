// pidfd: pidfd_open's errors (EINVAL for flags and ids, ENOENT for a thread, ESRCH once reaped), its
// close-on-exec and PIDFD_NONBLOCK; read and write are EINVAL; pidfd_send_signal (flags,
// EBADF, signo mismatch, EPERM for a forged origin, a zombie still takes a signal, ESRCH once
// reaped); poll and epoll wake at the exit; waitid(P_PIDFD) with its errors and EAGAIN for a
// non-blocking pidfd; CLONE_PIDFD from clone and clone3 with their EINVAL rules; pidfd_getfd
// (EINVAL, EBADF, EPERM from a process that may not trace the target, ESRCH from a zombie).
#include "check.h"
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

static int pidfd_open(pid_t pid, unsigned flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }
static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags)
{
    return (int)syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}
static int pidfd_getfd(int fd, int target, unsigned flags) { return (int)syscall(SYS_pidfd_getfd, fd, target, flags); }

static volatile sig_atomic_t usr1_count;
static void on_usr1(int sig) { (void)sig; usr1_count++; }

static pid_t thread_tid;
static int thread_go[2];
static void *thread_main(void *arg)
{
    (void)arg;
    thread_tid = (pid_t)syscall(SYS_gettid);
    char byte;
    CHECK(read(thread_go[0], &byte, 1) == 1);
    return NULL;
}

/* A child that waits to be killed, or to read a byte from `go`. */
static pid_t spawn_waiting(int go)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char byte;
        ssize_t n = read(go, &byte, 1);
        _exit(n == 1 ? 3 : 4);
    }
    return child;
}

int main(void)
{
    // pidfd_open.
    int self = pidfd_open(getpid(), 0);
    CHECK(self >= 0);
    CHECK(fcntl(self, F_GETFD) == FD_CLOEXEC);
    CHECK((fcntl(self, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) == O_RDWR);
    char buffer[8];
    CHECK_ERR(read(self, buffer, sizeof buffer), EINVAL);
    CHECK_ERR(write(self, buffer, sizeof buffer), EINVAL);
    int nonblocking = pidfd_open(getpid(), PIDFD_NONBLOCK);
    CHECK(nonblocking >= 0 && (fcntl(nonblocking, F_GETFL) & O_NONBLOCK));
    CHECK(close(nonblocking) == 0);
    CHECK_ERR(pidfd_open(getpid(), 1), EINVAL);
    CHECK_ERR(pidfd_open(0, 0), EINVAL);
    CHECK_ERR(pidfd_open(-1, 0), EINVAL);
    pthread_t thread;
    CHECK(pipe(thread_go) == 0);
    CHECK(pthread_create(&thread, NULL, thread_main, NULL) == 0);
    while (__atomic_load_n(&thread_tid, __ATOMIC_SEQ_CST) == 0)
        usleep(1000);
    CHECK_ERR(pidfd_open(thread_tid, 0), ENOENT); // EINVAL before Linux 6.9
    CHECK(write(thread_go[1], "x", 1) == 1);
    CHECK(pthread_join(thread, NULL) == 0);

    // pidfd_send_signal to ourselves.
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(pidfd_send_signal(self, 0, NULL, 0) == 0);
    CHECK(pidfd_send_signal(self, SIGUSR1, NULL, 0) == 0);
    CHECK(usr1_count == 1);
    CHECK_ERR(pidfd_send_signal(self, SIGUSR1, NULL, 8), EINVAL);
    CHECK_ERR(pidfd_send_signal(self, SIGUSR1, NULL, 3), EINVAL); // one scope at most
    CHECK_ERR(pidfd_send_signal(self, 100, NULL, 0), EINVAL);
    CHECK_ERR(pidfd_send_signal(999, SIGUSR1, NULL, 0), EBADF);
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    CHECK_ERR(pidfd_send_signal(pipe_fds[0], SIGUSR1, NULL, 0), EBADF);
    siginfo_t info = {0};
    info.si_signo = SIGUSR2;
    info.si_code = SI_QUEUE;
    CHECK_ERR(pidfd_send_signal(self, SIGUSR1, &info, 0), EINVAL);
    info.si_signo = SIGUSR1;
    CHECK(pidfd_send_signal(self, SIGUSR1, &info, 0) == 0);
    CHECK(usr1_count == 2);
    CHECK_ERR(pidfd_send_signal(self, SIGUSR1, BAD_PTR, 0), EFAULT);

    // A child: poll sees nothing until it exits, then POLLIN; waitid(P_PIDFD) reaps it.
    pid_t child = spawn_waiting(pipe_fds[0]);
    int fd = pidfd_open(child, 0);
    CHECK(fd >= 0);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    CHECK(poll(&pfd, 1, 0) == 0);
    info.si_code = 0; // SI_USER: a forged origin for another process
    CHECK_ERR(pidfd_send_signal(fd, SIGUSR1, &info, 0), EPERM);
    int quick = pidfd_open(child, PIDFD_NONBLOCK);
    siginfo_t status = {0};
    CHECK_ERR(waitid(P_PIDFD, quick, &status, WEXITED), EAGAIN);
    CHECK(waitid(P_PIDFD, quick, &status, WEXITED | WNOHANG) == 0 && status.si_pid == 0);
    CHECK_ERR(waitid(P_PIDFD, -1, &status, WEXITED), EINVAL);
    CHECK_ERR(waitid(P_PIDFD, 999, &status, WEXITED), EBADF);
    CHECK_ERR(waitid(P_PIDFD, pipe_fds[0], &status, WEXITED), EBADF);
    CHECK_ERR(waitid(P_PIDFD, self, &status, WEXITED), ECHILD);
    int epfd = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
    CHECK(epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0);
    CHECK(epoll_wait(epfd, &ev, 1, 0) == 0);
    CHECK(pidfd_send_signal(fd, SIGKILL, NULL, 0) == 0);
    CHECK(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLIN));
    CHECK(epoll_wait(epfd, &ev, 1, 10000) == 1 && ev.data.u32 == 7 && (ev.events & EPOLLIN));
    CHECK(pidfd_send_signal(fd, 0, NULL, 0) == 0); // a zombie is still there
    CHECK_ERR(pidfd_getfd(fd, 0, 0), ESRCH);       // but its files are gone
    CHECK(waitid(P_PIDFD, fd, &status, WEXITED) == 0);
    CHECK(status.si_pid == child && status.si_code == CLD_KILLED && status.si_status == SIGKILL);
    CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN));
    CHECK_ERR(pidfd_send_signal(fd, SIGUSR1, NULL, 0), ESRCH);
    CHECK_ERR(pidfd_getfd(fd, 0, 0), ESRCH);
    CHECK_ERR(waitid(P_PIDFD, fd, &status, WEXITED), ECHILD);
    CHECK_ERR(pidfd_open(child, 0), ESRCH);
    CHECK(close(fd) == 0 && close(quick) == 0);

    // CLONE_PIDFD through clone(2): the pidfd comes back where parent_tid points.
    int clone_fd = -1;
    long pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &clone_fd, 0, 0);
    if (pid == 0)
        _exit(5);
    CHECK(pid > 0 && clone_fd >= 0);
    CHECK(fcntl(clone_fd, F_GETFD) == FD_CLOEXEC);
    CHECK(waitid(P_PIDFD, clone_fd, &status, WEXITED) == 0 && status.si_pid == pid && status.si_status == 5);
    CHECK(close(clone_fd) == 0);
    CHECK_ERR(syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &clone_fd, 0, 0), EINVAL);
    CHECK_ERR(syscall(SYS_clone, CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, 0, &clone_fd, 0, 0), EINVAL);

    // ... and through clone3.
    struct clone_args args = {0};
    args.flags = CLONE_PIDFD;
    args.pidfd = (uintptr_t)&clone_fd;
    args.exit_signal = SIGCHLD;
    pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0)
        _exit(6);
    CHECK(pid > 0 && clone_fd >= 0);
    CHECK(waitid(P_PIDFD, clone_fd, &status, WEXITED) == 0 && status.si_pid == pid && status.si_status == 6);
    CHECK(close(clone_fd) == 0);

    // pidfd_getfd: a copy of the child's descriptor, close-on-exec.
    int go[2];
    CHECK(pipe(go) == 0);
    child = spawn_waiting(go[0]);
    fd = pidfd_open(child, 0);
    int copy = pidfd_getfd(fd, pipe_fds[1], 0);
    CHECK(copy >= 0 && fcntl(copy, F_GETFD) == FD_CLOEXEC);
    struct stat a, b;
    CHECK(fstat(copy, &a) == 0 && fstat(pipe_fds[1], &b) == 0 && a.st_ino == b.st_ino);
    CHECK_ERR(pidfd_getfd(fd, pipe_fds[1], 1), EINVAL);
    CHECK_ERR(pidfd_getfd(fd, 999, 0), EBADF);
    CHECK_ERR(pidfd_getfd(pipe_fds[0], 0, 0), EBADF);
    if (getuid() == 0) {
        // Someone who may not trace the child cannot take its files.
        pid_t other = fork();
        if (other == 0) {
            CHECK(setresuid(65534, 65534, 65534) == 0);
            CHECK_ERR(pidfd_getfd(fd, 0, 0), EPERM);
            _exit(0);
        }
        int st;
        CHECK(waitpid(other, &st, 0) == other && st == 0);
    }
    CHECK(write(go[1], "x", 1) == 1);
    CHECK(waitid(P_PIDFD, fd, &status, WEXITED) == 0 && status.si_status == 3);
    puts("pidfd ok");
    return 0;
}
