// Thread pidfds (Linux 6.9 and later): pidfd_open with PIDFD_THREAD names any thread (O_EXCL in
// its status flags, PIDFD_NONBLOCK too), clone with CLONE_PIDFD|CLONE_THREAD returns one;
// pidfd_send_signal through one signals that thread only (its own pending set), or its whole
// group with PIDFD_SIGNAL_THREAD_GROUP (a process group named by its id with
// PIDFD_SIGNAL_PROCESS_GROUP), and ESRCH once the thread is gone; poll reports the
// thread's exit (POLLIN|POLLHUP, a non-leader being released at once), while a leader's thread
// pidfd waits for its whole group as its process pidfd does (Linux 6.15 and later); waitid
// (P_PIDFD) on a thread pidfd: ECHILD for the caller's own threads, a child's status through
// the thread pidfd of its leader.
#include "check.h"
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef PIDFD_SIGNAL_THREAD
#define PIDFD_SIGNAL_THREAD (1UL << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1UL << 1)
#define PIDFD_SIGNAL_PROCESS_GROUP (1UL << 2)
#endif

static int pidfd_open(pid_t pid, unsigned flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }
static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags)
{
    return (int)syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

/* The poll events of `fd`, waiting at most `timeout_ms`. */
static int poll_events(int fd, int timeout_ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    int n = poll(&p, 1, timeout_ms);
    CHECK(n >= 0);
    return n ? p.revents : 0;
}

static int is_pending(int sig)
{
    sigset_t set;
    CHECK(sigpending(&set) == 0);
    return sigismember(&set, sig);
}

/* The Pid: line of a pidfd's fdinfo. */
static int fdinfo_pid(int fd)
{
    char path[64], text[512] = {0};
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int info = open(path, O_RDONLY);
    CHECK(info >= 0);
    CHECK(read(info, text, sizeof text - 1) > 0);
    close(info);
    const char *line = strstr(text, "Pid:\t");
    CHECK(line != NULL);
    return atoi(line + 5);
}

static pid_t worker_tid;
static int worker_go[2], worker_ready[2];
static volatile int worker_saw_usr1;

/* Tells its tid, then waits for a byte; a SIGUSR1 sent to it alone is pending for it. */
static void *worker_main(void *arg)
{
    (void)arg;
    worker_tid = (pid_t)syscall(SYS_gettid);
    char byte = 0;
    CHECK(write(worker_ready[1], &byte, 1) == 1);
    CHECK(read(worker_go[0], &byte, 1) == 1);
    worker_saw_usr1 = is_pending(SIGUSR1);
    if (worker_saw_usr1) {
        sigset_t usr1;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        siginfo_t info;
        CHECK(sigwaitinfo(&usr1, &info) == SIGUSR1 && info.si_code == SI_USER && info.si_pid == getpid());
    }
    CHECK(write(worker_ready[1], &byte, 1) == 1);
    CHECK(read(worker_go[0], &byte, 1) == 1);
    return NULL;
}

/* A bare CLONE_THREAD child (no glibc thread): waits for a byte on its pipe, then exits. */
static int bare_go[2];
static int bare_main(void *arg)
{
    (void)arg;
    char byte;
    syscall(SYS_read, bare_go[0], &byte, 1);
    return 0; /* glibc's clone ends the thread with SYS_exit */
}

/* The leader of a child process leaves with pthread_exit while another thread waits for `go`. */
static int leader_go[2];
static void *leader_helper(void *arg)
{
    (void)arg;
    char byte;
    ssize_t n = read(leader_go[0], &byte, 1);
    _exit(n == 1 ? 7 : 8);
}

int main(void)
{
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);

    /* pidfd_open: PIDFD_THREAD is O_EXCL and shows in the status flags, as PIDFD_NONBLOCK. */
    CHECK_ERR(pidfd_open(getpid(), PIDFD_THREAD | O_APPEND), EINVAL);
    int self_thread = pidfd_open(getpid(), PIDFD_THREAD);
    CHECK(self_thread >= 0);
    CHECK((fcntl(self_thread, F_GETFL) & (O_EXCL | O_NONBLOCK | O_ACCMODE)) == (O_EXCL | O_RDWR));
    CHECK(fcntl(self_thread, F_GETFD) == FD_CLOEXEC);
    CHECK(poll_events(self_thread, 0) == 0);

    CHECK(pipe(worker_go) == 0 && pipe(worker_ready) == 0);
    pthread_t worker;
    CHECK(pthread_create(&worker, NULL, worker_main, NULL) == 0);
    char byte = 0;
    CHECK(read(worker_ready[0], &byte, 1) == 1);
    CHECK_ERR(pidfd_open(worker_tid, 0), ENOENT);
    int thread_fd = pidfd_open(worker_tid, PIDFD_THREAD);
    CHECK(thread_fd >= 0);
    int nonblocking = pidfd_open(worker_tid, PIDFD_THREAD | PIDFD_NONBLOCK);
    CHECK(nonblocking >= 0);
    CHECK((fcntl(nonblocking, F_GETFL) & (O_EXCL | O_NONBLOCK)) == (O_EXCL | O_NONBLOCK));
    CHECK(poll_events(thread_fd, 0) == 0);
    CHECK(fdinfo_pid(thread_fd) == worker_tid);

    /* A signal through a thread pidfd is the thread's alone; PIDFD_SIGNAL_THREAD says so too. */
    CHECK(pidfd_send_signal(thread_fd, SIGUSR1, NULL, 0) == 0);
    CHECK(!is_pending(SIGUSR1));
    CHECK(pidfd_send_signal(thread_fd, 0, NULL, PIDFD_SIGNAL_THREAD) == 0);
    CHECK(write(worker_go[1], &byte, 1) == 1);
    CHECK(read(worker_ready[0], &byte, 1) == 1);
    CHECK(worker_saw_usr1);
    /* PIDFD_SIGNAL_THREAD_GROUP through a thread pidfd: the whole group's pending set. */
    CHECK(pidfd_send_signal(thread_fd, SIGUSR1, NULL, PIDFD_SIGNAL_THREAD_GROUP) == 0);
    CHECK(is_pending(SIGUSR1));
    siginfo_t info;
    CHECK(sigwaitinfo(&usr1, &info) == SIGUSR1 && info.si_pid == getpid());
    /* A kernel-looking origin (si_code >= 0) through another thread's pidfd is EPERM, through
     * the caller's own it is taken; SI_QUEUE is anyone's to send. */
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR1;
    info.si_code = SI_USER;
    info.si_pid = 1;
    CHECK_ERR(pidfd_send_signal(thread_fd, SIGUSR1, &info, 0), EPERM);
    CHECK(pidfd_send_signal(self_thread, SIGUSR1, &info, 0) == 0);
    CHECK(sigwaitinfo(&usr1, &info) == SIGUSR1 && info.si_code == SI_USER && info.si_pid == 1);
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR1;
    info.si_code = SI_QUEUE;
    CHECK(pidfd_send_signal(thread_fd, SIGUSR1, &info, PIDFD_SIGNAL_THREAD_GROUP) == 0);
    CHECK(sigwaitinfo(&usr1, &info) == SIGUSR1 && info.si_code == SI_QUEUE);

    /* PIDFD_SIGNAL_PROCESS_GROUP takes the pidfd's id as a group id: no group has a
     * non-leader thread's. */
    CHECK_ERR(pidfd_send_signal(thread_fd, 0, NULL, PIDFD_SIGNAL_PROCESS_GROUP), ESRCH);

    /* waitid(P_PIDFD) on a thread pidfd: the caller's own threads are no children. */
    CHECK_ERR(waitid(P_PIDFD, thread_fd, &info, WEXITED | WNOHANG), ECHILD);
    CHECK_ERR(waitid(P_PIDFD, self_thread, &info, WEXITED | WNOHANG), ECHILD);

    /* The thread's exit: readable and hung up (a non-leader is released at once); ESRCH after. */
    CHECK(write(worker_go[1], &byte, 1) == 1);
    CHECK(pthread_join(worker, NULL) == 0);
    CHECK(poll_events(thread_fd, 10000) == (POLLIN | POLLHUP));
    CHECK(poll_events(nonblocking, 0) == (POLLIN | POLLHUP));
    CHECK_ERR(pidfd_send_signal(thread_fd, 0, NULL, 0), ESRCH);
    CHECK_ERR(pidfd_send_signal(thread_fd, SIGUSR1, NULL, PIDFD_SIGNAL_THREAD_GROUP), ESRCH);
    CHECK_ERR(pidfd_open(worker_tid, PIDFD_THREAD), ESRCH);
    CHECK(fdinfo_pid(thread_fd) == -1);
    close(thread_fd);
    close(nonblocking);

    /* clone with CLONE_PIDFD|CLONE_THREAD: a thread pidfd (CLONE_DETACHED stays EINVAL). */
    static char stack[65536] __attribute__((aligned(16)));
    int clone_fd = -1;
    const int thread_flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
    CHECK_ERR(clone(bare_main, stack + sizeof stack, thread_flags | CLONE_PIDFD | CLONE_DETACHED, NULL, &clone_fd), EINVAL);
    CHECK(pipe(bare_go) == 0);
    int bare_tid = clone(bare_main, stack + sizeof stack, thread_flags | CLONE_PIDFD, NULL, &clone_fd);
    CHECK(bare_tid > 0 && clone_fd >= 0);
    CHECK((fcntl(clone_fd, F_GETFL) & O_EXCL) == O_EXCL);
    CHECK(fcntl(clone_fd, F_GETFD) == FD_CLOEXEC);
    CHECK(poll_events(clone_fd, 0) == 0);
    CHECK(pidfd_send_signal(clone_fd, 0, NULL, 0) == 0);
    CHECK(write(bare_go[1], &byte, 1) == 1);
    CHECK(poll_events(clone_fd, 10000) == (POLLIN | POLLHUP));
    CHECK_ERR(pidfd_send_signal(clone_fd, 0, NULL, 0), ESRCH);
    close(clone_fd);

    /* A leader that leaves before its group: neither pidfd is readable until the last thread
     * goes; reaped, both hang up. */
    CHECK(pipe(leader_go) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pthread_t helper;
        CHECK(pthread_create(&helper, NULL, leader_helper, NULL) == 0);
        pthread_exit(NULL);
    }
    int leader_thread = pidfd_open(child, PIDFD_THREAD);
    int leader_process = pidfd_open(child, 0);
    CHECK(leader_thread >= 0 && leader_process >= 0);
    /* Since Linux 6.15 a leader's thread pidfd waits for the whole group, as its process pidfd
     * (the leader is a zombie kept for the group): nothing while the helper runs. */
    CHECK(poll_events(leader_thread, 100) == 0);
    CHECK(poll_events(leader_process, 0) == 0);
    /* The leader is gone but its process is not: signalling the group still works. */
    CHECK(pidfd_send_signal(leader_process, 0, NULL, 0) == 0);
    CHECK(write(leader_go[1], &byte, 1) == 1);
    CHECK(poll_events(leader_process, 10000) == POLLIN);
    CHECK(poll_events(leader_thread, 0) == POLLIN);
    /* waitid(P_PIDFD) on a child's thread pidfd (its leader): the process's status. */
    CHECK(waitid(P_PIDFD, leader_thread, &info, WEXITED) == 0);
    CHECK(info.si_pid == child && info.si_code == CLD_EXITED && info.si_status == 7);
    CHECK(poll_events(leader_thread, 0) == (POLLIN | POLLHUP));
    CHECK(poll_events(leader_process, 0) == (POLLIN | POLLHUP));
    printf("pidfd_thread: ok\n");
    return 0;
}
