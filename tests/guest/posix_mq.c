/* POSIX message queues: mq_open's creation rules and errors, priorities, blocking, O_NONBLOCK,
 * timeouts, message sizes, mq_notify, mq_getsetattr, the QSIZE line a queue's descriptor reads,
 * poll on a queue, permissions, and /dev/mqueue where it is mounted. */
#include "check.h"

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MQUEUE_MAGIC 0x19800202
#define CAP_SYS_RESOURCE 24

static char g_name[64];

static struct timespec after_ms(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static int has_sys_resource(void)
{
    FILE* status = fopen("/proc/self/status", "r");
    CHECK(status != NULL);
    char line[256];
    unsigned long long caps = 0;
    while (fgets(line, sizeof line, status))
        if (sscanf(line, "CapEff: %llx", &caps) == 1)
            break;
    fclose(status);
    return (caps >> CAP_SYS_RESOURCE) & 1;
}

static mqd_t open_queue(const char* name, int flags, long maxmsg, long msgsize)
{
    struct mq_attr attr = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
    return mq_open(name, flags, 0600, &attr);
}

static void check_status_line(mqd_t q, unsigned long qsize, int notify, int signo, int pid)
{
    char want[128], got[128];
    snprintf(want, sizeof want, "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", qsize, notify, signo, pid);
    CHECK(lseek(q, 0, SEEK_SET) == 0);
    ssize_t n = read(q, got, sizeof got - 1);
    CHECK(n > 0);
    got[n] = 0;
    if (strcmp(want, got) != 0) {
        fprintf(stderr, "status line: got '%s' want '%s'\n", got, want);
        exit(1);
    }
}

static void test_open_rules(void)
{
    struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 64};
    mqd_t q = mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(q >= 0);
    CHECK_ERR(mq_open(g_name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr), EEXIST);
    /* An existing queue ignores the attributes, even bad ones. */
    struct mq_attr bad = {.mq_maxmsg = 0, .mq_msgsize = 0};
    mqd_t again = mq_open(g_name, O_CREAT | O_RDWR, 0600, &bad);
    CHECK(again >= 0 && again != q);
    CHECK(mq_close(again) == 0);
    /* Queue descriptors are close-on-exec. */
    CHECK(fcntl(q, F_GETFD) & FD_CLOEXEC);
    struct stat st;
    CHECK(fstat(q, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600);

    struct mq_attr got;
    CHECK(mq_getattr(q, &got) == 0);
    CHECK(got.mq_maxmsg == 4 && got.mq_msgsize == 64 && got.mq_curmsgs == 0 && got.mq_flags == 0);

    char other[80];
    snprintf(other, sizeof other, "%s_bad", g_name);
    CHECK_ERR(open_queue(other, O_CREAT | O_RDWR, 0, 64), EINVAL);
    CHECK_ERR(open_queue(other, O_CREAT | O_RDWR, 4, 0), EINVAL);
    CHECK_ERR(open_queue(other, O_CREAT | O_RDWR, -1, 64), EINVAL);
    CHECK_ERR(open_queue(other, O_CREAT | O_RDWR, 100000, 64), EINVAL); /* past HARD_MSGMAX */
    CHECK_ERR(open_queue(other, O_CREAT | O_RDWR, 4, 32 << 20), EINVAL); /* past HARD_MSGSIZEMAX */
    if (!has_sys_resource()) {
        /* Without CAP_SYS_RESOURCE the sysctls bound the attributes (msg_max 10, msgsize_max 8192). */
        CHECK_ERR(open_queue(other, O_CREAT | O_RDWR, 11, 64), EINVAL);
        CHECK_ERR(open_queue(other, O_CREAT | O_RDWR, 4, 8193), EINVAL);
    }
    CHECK_ERR(mq_open(other, O_RDWR), ENOENT);
    /* The raw call's name rules (glibc strips the leading slash and refuses a name without one). */
    CHECK_ERR(mq_open("no_slash", O_RDWR), EINVAL);
    CHECK_ERR(syscall(SYS_mq_open, "", O_RDWR | O_CREAT, 0600, NULL), ENOENT);
    CHECK_ERR(syscall(SYS_mq_open, "a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    CHECK_ERR(syscall(SYS_mq_open, ".", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    CHECK_ERR(syscall(SYS_mq_open, "..", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    char long_name[300];
    memset(long_name, 'q', 256);
    long_name[256] = 0;
    CHECK_ERR(syscall(SYS_mq_open, long_name, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
    CHECK_ERR(syscall(SYS_mq_open, BAD_PTR, O_RDWR, 0600, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_mq_open, g_name + 1, O_RDWR, 0600, BAD_PTR), EFAULT);
    CHECK_ERR(syscall(SYS_mq_open, g_name + 1, O_RDWR | O_WRONLY | O_RDONLY | 3, 0600, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_mq_unlink, "a/b"), EACCES);
    CHECK_ERR(syscall(SYS_mq_unlink, ""), ENOENT);
    CHECK_ERR(mq_unlink(other), ENOENT);
    /* A default queue: msg_default messages of msgsize_default bytes. */
    mqd_t dflt = mq_open(other, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
    CHECK(dflt >= 0);
    CHECK(mq_getattr(dflt, &got) == 0 && got.mq_maxmsg == 10 && got.mq_msgsize == 8192);
    CHECK(mq_close(dflt) == 0 && mq_unlink(other) == 0);
    CHECK(mq_close(q) == 0);
}

static void test_messages(void)
{
    mqd_t q = mq_open(g_name, O_RDWR);
    CHECK(q >= 0);
    struct pollfd pfd = {.fd = q, .events = POLLIN | POLLOUT};
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT);
    check_status_line(q, 0, 0, 0, 0);

    CHECK(mq_send(q, "low", 3, 1) == 0);
    CHECK(mq_send(q, "high", 4, 10) == 0);
    CHECK(mq_send(q, "mid", 3, 5) == 0);
    CHECK(mq_send(q, "high2", 5, 10) == 0);
    check_status_line(q, 15, 0, 0, 0);
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);

    char buf[128];
    CHECK_ERR(mq_send(q, buf, 65, 0), EMSGSIZE);
    CHECK_ERR(mq_send(q, buf, 1, 32768), EINVAL);
    CHECK_ERR(mq_receive(q, buf, 63, NULL), EMSGSIZE);
    /* The queue is full: a timed send times out, a bad timeout is EINVAL first. */
    struct timespec soon = after_ms(20);
    CHECK_ERR(mq_timedsend(q, "x", 1, 0, &soon), ETIMEDOUT);
    struct timespec bad = {.tv_sec = 0, .tv_nsec = 2000000000L};
    CHECK_ERR(mq_timedsend(q, "x", 1, 0, &bad), EINVAL);
    CHECK_ERR(mq_timedsend(q, "x", 1, 0, BAD_PTR), EFAULT);
    /* O_NONBLOCK through mq_setattr. */
    struct mq_attr set = {.mq_flags = O_NONBLOCK}, old;
    CHECK(mq_setattr(q, &set, &old) == 0 && old.mq_flags == 0 && old.mq_curmsgs == 4);
    CHECK_ERR(mq_send(q, "x", 1, 0), EAGAIN);
    struct mq_attr got;
    CHECK(mq_getattr(q, &got) == 0 && got.mq_flags == O_NONBLOCK);
    struct mq_attr bad_flags = {.mq_flags = O_APPEND};
    CHECK_ERR(mq_setattr(q, &bad_flags, NULL), EINVAL);

    const char* want[] = {"high", "high2", "mid", "low"};
    unsigned want_prio[] = {10, 10, 5, 1};
    for (int i = 0; i < 4; i++) {
        unsigned prio = 99;
        ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
        CHECK(n == (ssize_t)strlen(want[i]) && memcmp(buf, want[i], n) == 0 && prio == want_prio[i]);
    }
    CHECK_ERR(mq_receive(q, buf, sizeof buf, NULL), EAGAIN);
    set.mq_flags = 0;
    CHECK(mq_setattr(q, &set, NULL) == 0);
    soon = after_ms(20);
    CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &soon), ETIMEDOUT);
    /* A timeout already past still gets a message that is there. */
    CHECK(mq_send(q, "now", 3, 0) == 0);
    struct timespec past = {.tv_sec = 1, .tv_nsec = 0};
    CHECK(mq_timedreceive(q, buf, sizeof buf, NULL, &past) == 3);

    /* The wrong kind of descriptor, or the wrong direction. */
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    CHECK_ERR(mq_send(pipe_fds[1], "x", 1, 0), EBADF);
    CHECK_ERR(mq_getattr(pipe_fds[0], &got), EBADF);
    CHECK_ERR(mq_notify(pipe_fds[0], NULL), EBADF);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    mqd_t read_only = mq_open(g_name, O_RDONLY);
    mqd_t write_only = mq_open(g_name, O_WRONLY);
    CHECK(read_only >= 0 && write_only >= 0);
    CHECK_ERR(mq_send(read_only, "x", 1, 0), EBADF);
    CHECK_ERR(mq_receive(write_only, buf, sizeof buf, NULL), EBADF);
    CHECK(mq_close(read_only) == 0 && mq_close(write_only) == 0);
    CHECK(mq_close(q) == 0);
}

static void test_blocking(void)
{
    mqd_t q = mq_open(g_name, O_RDWR);
    CHECK(q >= 0);
    /* A receiver blocks until another process sends; poll wakes for it too. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        usleep(50000);
        _exit(mq_send(q, "wake", 4, 3) == 0 ? 0 : 1);
    }
    struct pollfd pfd = {.fd = q, .events = POLLIN};
    CHECK(poll(&pfd, 1, 30000) == 1 && (pfd.revents & POLLIN));
    char buf[64];
    unsigned prio;
    struct timespec deadline = after_ms(30000);
    CHECK(mq_timedreceive(q, buf, sizeof buf, &prio, &deadline) == 4 && prio == 3);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* A sender on a full queue blocks until a receiver makes room. */
    for (int i = 0; i < 4; i++)
        CHECK(mq_send(q, "f", 1, 0) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        usleep(50000);
        char b[64];
        _exit(mq_receive(q, b, sizeof b, NULL) == 1 ? 0 : 1);
    }
    deadline = after_ms(30000);
    CHECK(mq_timedsend(q, "g", 1, 0, &deadline) == 0);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (int i = 0; i < 4; i++)
        CHECK(mq_receive(q, buf, sizeof buf, NULL) == 1);
    CHECK(mq_close(q) == 0);
}

static void test_notify(void)
{
    mqd_t q = mq_open(g_name, O_RDWR);
    CHECK(q >= 0);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);

    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    ev.sigev_value.sival_int = 42;
    CHECK(mq_notify(q, &ev) == 0);
    CHECK_ERR(mq_notify(q, &ev), EBUSY);
    check_status_line(q, 0, SIGEV_SIGNAL, SIGUSR1, getpid());
    struct sigevent bad = {.sigev_notify = 99};
    CHECK_ERR(mq_notify(q, &bad), EINVAL);
    struct sigevent bad_signal = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = 65};
    CHECK_ERR(mq_notify(q, &bad_signal), EINVAL);
    CHECK_ERR(syscall(SYS_mq_notify, q, BAD_PTR), EFAULT);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        /* Another process cannot register while the parent is, nor unregister it. */
        struct sigevent none = {.sigev_notify = SIGEV_NONE};
        if (mq_notify(q, &none) != -1 || errno != EBUSY)
            _exit(1);
        if (mq_notify(q, NULL) != 0)
            _exit(2);
        _exit(mq_send(q, "n", 1, 0) == 0 ? 0 : 3);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    siginfo_t info;
    struct timespec wait = {.tv_sec = 30};
    CHECK(sigtimedwait(&usr1, &info, &wait) == SIGUSR1);
    CHECK(info.si_code == SI_MESGQ && info.si_value.sival_int == 42 && info.si_pid == child);
    /* The registration is gone once it fired. */
    check_status_line(q, 1, 0, 0, 0);
    char buf[64];
    CHECK(mq_receive(q, buf, sizeof buf, NULL) == 1);

    /* Only a send to an empty queue notifies; SIGEV_NONE registers without a signal. */
    struct sigevent none = {.sigev_notify = SIGEV_NONE};
    CHECK(mq_notify(q, &none) == 0);
    check_status_line(q, 0, SIGEV_NONE, 0, getpid());
    CHECK(mq_send(q, "a", 1, 0) == 0);
    check_status_line(q, 1, 0, 0, 0);
    CHECK(mq_notify(q, &ev) == 0);
    CHECK(mq_send(q, "b", 1, 0) == 0); /* not empty before: no signal, still registered */
    check_status_line(q, 2, SIGEV_SIGNAL, SIGUSR1, getpid());
    CHECK(mq_notify(q, NULL) == 0);
    check_status_line(q, 2, 0, 0, 0);
    CHECK(mq_notify(q, NULL) == 0);
    struct timespec zero = {0};
    CHECK(sigtimedwait(&usr1, &info, &zero) == -1 && errno == EAGAIN);
    CHECK(mq_receive(q, buf, sizeof buf, NULL) == 1 && mq_receive(q, buf, sizeof buf, NULL) == 1);
    CHECK(sigprocmask(SIG_UNBLOCK, &usr1, NULL) == 0);
    CHECK(mq_close(q) == 0);
}

static void test_permissions(void)
{
    if (geteuid() != 0)
        return;
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(10);
        /* The queue is 0600 and root's: no access; removing it from the sticky root is EPERM,
         * which glibc's mq_unlink reports as EACCES (POSIX's word for it). */
        if (mq_open(g_name, O_RDONLY) != -1 || errno != EACCES)
            _exit(1);
        if (syscall(SYS_mq_unlink, g_name + 1) != -1 || errno != EPERM)
            _exit(2);
        if (mq_unlink(g_name) != -1 || errno != EACCES)
            _exit(3);
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status));
    if (WEXITSTATUS(status) != 0)
        fprintf(stderr, "permission check %d failed\n", WEXITSTATUS(status));
    CHECK(WEXITSTATUS(status) == 0);
}

static void test_dev_mqueue(void)
{
    struct statfs fs;
    if (statfs("/dev/mqueue", &fs) != 0 || fs.f_type != MQUEUE_MAGIC) {
        printf("posix_mq: no mqueue file system on /dev/mqueue here, its checks skipped\n");
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "/dev/mqueue%s", g_name);
    mqd_t q = mq_open(g_name, O_RDWR);
    CHECK(q >= 0 && mq_send(q, "12345", 5, 0) == 0);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    char line[128];
    ssize_t n = read(fd, line, sizeof line - 1);
    CHECK(n > 0);
    line[n] = 0;
    CHECK(strncmp(line, "QSIZE:5 ", 8) == 0);
    close(fd);
    char buf[64];
    CHECK(mq_receive(q, buf, sizeof buf, NULL) == 5);
    CHECK(mq_close(q) == 0);
    CHECK_ERR(mkdir("/dev/mqueue/dir", 0700), EPERM);
    /* Removing the file removes the queue. */
    CHECK(unlink(path) == 0);
    CHECK_ERR(mq_open(g_name, O_RDWR), ENOENT);
    /* open(2) with O_CREAT makes a queue with the default attributes. */
    fd = open(path, O_CREAT | O_RDWR, 0600);
    CHECK(fd >= 0);
    struct mq_attr attr;
    CHECK(mq_getattr(fd, &attr) == 0 && attr.mq_maxmsg == 10 && attr.mq_msgsize == 8192);
    close(fd);
    CHECK(mq_unlink(g_name) == 0);
    q = open_queue(g_name, O_CREAT | O_EXCL | O_RDWR, 4, 64);
    CHECK(q >= 0);
    CHECK(mq_close(q) == 0);
}

int main(void)
{
    snprintf(g_name, sizeof g_name, "/ax_posix_mq_%d", (int)getpid());
    FILE* limit = fopen("/proc/sys/fs/mqueue/msg_max", "r");
    CHECK(limit != NULL);
    int msg_max = 0;
    CHECK(fscanf(limit, "%d", &msg_max) == 1 && msg_max == 10);
    fclose(limit);

    test_open_rules();
    test_messages();
    test_blocking();
    test_notify();
    test_permissions();
    test_dev_mqueue();

    /* Unlinked, an open queue still works; its name is free again. */
    mqd_t q = mq_open(g_name, O_RDWR);
    CHECK(q >= 0);
    CHECK(mq_unlink(g_name) == 0);
    CHECK_ERR(mq_unlink(g_name), ENOENT);
    CHECK_ERR(mq_open(g_name, O_RDWR), ENOENT);
    CHECK(mq_send(q, "still", 5, 0) == 0);
    char buf[64];
    CHECK(mq_receive(q, buf, sizeof buf, NULL) == 5);
    CHECK(mq_close(q) == 0);
    printf("posix_mq ok\n");
    return 0;
}
