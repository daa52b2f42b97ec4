/* mq_notify with SIGEV_THREAD: glibc's mq_notify runs the notification function in a new thread
 * when a message arrives on the empty queue; underneath, the kernel sends the 32-byte cookie to
 * a netlink socket with its last byte set to NOTIFY_WOKENUP (1), or NOTIFY_REMOVED (2) when the
 * registration goes (mq_notify(NULL), or its owner closes a descriptor of the queue). Also the
 * raw syscall's errors: EFAULT for the cookie, EBADF, ENOTSOCK and EINVAL for the socket. */
#include "check.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define COOKIE_LEN 32
#define NOTIFY_WOKENUP 1
#define NOTIFY_REMOVED 2
/* Every wait is bounded; a correct run never comes near it. */
#define WAIT_SECONDS 20

static char g_name[64];
static sem_t g_ran;
static int g_seen_value;
static pid_t g_seen_tid;

static mqd_t open_queue(void)
{
    struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 64};
    mqd_t q = mq_open(g_name, O_CREAT | O_RDWR, 0600, &attr);
    CHECK(q >= 0);
    return q;
}

/* What reading the queue's descriptor shows after NOTIFY: (0 none, 2 SIGEV_THREAD). */
static void check_notify_field(mqd_t q, int notify, int pid)
{
    char want[128], got[128] = {0};
    snprintf(want, sizeof want, "NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", notify, 0, pid);
    CHECK(lseek(q, 0, SEEK_SET) == 0);
    CHECK(read(q, got, sizeof got - 1) > 0);
    char* field = strstr(got, "NOTIFY:");
    CHECK(field != NULL);
    if (strcmp(field, want) != 0) {
        fprintf(stderr, "status line %s, want ...%s", got, want);
        exit(1);
    }
}

static void on_message(union sigval value)
{
    g_seen_value = value.sival_int;
    g_seen_tid = (pid_t)syscall(SYS_gettid);
    sem_post(&g_ran);
}

static void test_glibc_thread(void)
{
    mqd_t q = open_queue();
    CHECK(sem_init(&g_ran, 0, 0) == 0);
    struct sigevent ev = {.sigev_notify = SIGEV_THREAD};
    ev.sigev_notify_function = on_message;
    ev.sigev_value.sival_int = 77;
    CHECK(mq_notify(q, &ev) == 0);
    check_notify_field(q, SIGEV_THREAD, getpid());
    /* One registration per queue, whoever asks. */
    CHECK_ERR(mq_notify(q, &ev), EBUSY);

    CHECK(mq_send(q, "hello", 5, 0) == 0);
    struct timespec deadline;
    CHECK(clock_gettime(CLOCK_REALTIME, &deadline) == 0);
    deadline.tv_sec += WAIT_SECONDS;
    CHECK(sem_timedwait(&g_ran, &deadline) == 0);
    CHECK(g_seen_value == 77);
    CHECK(g_seen_tid != getpid());
    /* The registration fired and is gone; the message stays for a receiver. */
    check_notify_field(q, 0, 0);
    char buf[64];
    unsigned prio;
    CHECK(mq_receive(q, buf, sizeof buf, &prio) == 5 && memcmp(buf, "hello", 5) == 0);

    /* Registered again, then unregistered: the function never runs. */
    CHECK(mq_notify(q, &ev) == 0);
    CHECK(mq_notify(q, NULL) == 0);
    check_notify_field(q, 0, 0);
    CHECK(mq_send(q, "x", 1, 0) == 0);
    CHECK(mq_receive(q, buf, sizeof buf, NULL) == 1);
    /* Registered once more, and it still works after the removal above. */
    CHECK(mq_notify(q, &ev) == 0);
    ev.sigev_value.sival_int = 0;
    g_seen_value = 0;
    CHECK(mq_send(q, "again", 5, 0) == 0);
    CHECK(clock_gettime(CLOCK_REALTIME, &deadline) == 0);
    deadline.tv_sec += WAIT_SECONDS;
    CHECK(sem_timedwait(&g_ran, &deadline) == 0);
    CHECK(g_seen_value == 77);
    CHECK(sem_trywait(&g_ran) == -1 && errno == EAGAIN);
    CHECK(mq_receive(q, buf, sizeof buf, NULL) == 5);
    CHECK(mq_close(q) == 0);
}

/* Reads one cookie from `sock` within WAIT_SECONDS and returns its last byte. */
static int read_cookie(int sock, const unsigned char* sent)
{
    struct pollfd pfd = {.fd = sock, .events = POLLIN};
    CHECK(poll(&pfd, 1, WAIT_SECONDS * 1000) == 1 && (pfd.revents & POLLIN));
    unsigned char got[2 * COOKIE_LEN];
    ssize_t n = recv(sock, got, sizeof got, MSG_DONTWAIT);
    CHECK(n == COOKIE_LEN);
    CHECK(memcmp(got, sent, COOKIE_LEN - 1) == 0);
    return got[COOKIE_LEN - 1];
}

static void check_nothing_to_read(int sock)
{
    unsigned char got[COOKIE_LEN];
    CHECK_ERR(recv(sock, got, sizeof got, MSG_DONTWAIT), EAGAIN);
}

static long raw_notify(mqd_t q, int sock, const void* cookie)
{
    struct sigevent ev = {.sigev_notify = SIGEV_THREAD, .sigev_signo = sock};
    ev.sigev_value.sival_ptr = (void*)cookie;
    return syscall(SYS_mq_notify, q, &ev);
}

static void test_raw_cookie(void)
{
    mqd_t q = open_queue();
    int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(sock >= 0);
    unsigned char cookie[COOKIE_LEN];
    for (int i = 0; i < COOKIE_LEN; i++)
        cookie[i] = (unsigned char)(0xa0 + i);

    /* A message on the empty queue: the cookie comes back, last byte NOTIFY_WOKENUP. */
    CHECK(raw_notify(q, sock, cookie) == 0);
    check_nothing_to_read(sock);
    CHECK(mq_send(q, "m", 1, 0) == 0);
    CHECK(read_cookie(sock, cookie) == NOTIFY_WOKENUP);
    /* Only the first message on an empty queue notifies. */
    CHECK(raw_notify(q, sock, cookie) == 0);
    CHECK(mq_send(q, "n", 1, 0) == 0);
    check_nothing_to_read(sock);
    check_notify_field(q, SIGEV_THREAD, getpid());
    char buf[64];
    CHECK(mq_receive(q, buf, sizeof buf, NULL) == 1 && mq_receive(q, buf, sizeof buf, NULL) == 1);

    /* Unregistering sends NOTIFY_REMOVED. */
    CHECK(syscall(SYS_mq_notify, q, NULL) == 0);
    CHECK(read_cookie(sock, cookie) == NOTIFY_REMOVED);

    /* Another process cannot register, and its closing the queue keeps the registration. */
    CHECK(raw_notify(q, sock, cookie) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (raw_notify(q, sock, cookie) != -1 || errno != EBUSY)
            _exit(1);
        _exit(mq_close(q) == 0 ? 0 : 2);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    check_nothing_to_read(sock);
    check_notify_field(q, SIGEV_THREAD, getpid());

    /* The owner closing any descriptor of the queue removes it (mqueue_flush_file). */
    mqd_t other = mq_open(g_name, O_RDWR);
    CHECK(other >= 0);
    CHECK(mq_close(other) == 0);
    CHECK(read_cookie(sock, cookie) == NOTIFY_REMOVED);
    check_notify_field(q, 0, 0);

    /* An owner that exits still registered loses the registration: the socket it shares
     * hears NOTIFY_REMOVED and another process may register. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(raw_notify(q, sock, cookie) == 0 ? 0 : 1);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(read_cookie(sock, cookie) == NOTIFY_REMOVED);
    check_notify_field(q, 0, 0);
    CHECK(raw_notify(q, sock, cookie) == 0);
    CHECK(syscall(SYS_mq_notify, q, NULL) == 0);
    CHECK(read_cookie(sock, cookie) == NOTIFY_REMOVED);
    CHECK(close(sock) == 0);
    CHECK(mq_close(q) == 0);
}

static void test_errors(void)
{
    mqd_t q = open_queue();
    int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(sock >= 0);
    unsigned char cookie[COOKIE_LEN] = {0};
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    int unix_sock = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(unix_sock >= 0);

    /* The cookie is read first, then the socket, then the queue. */
    CHECK_ERR(raw_notify(q, sock, BAD_PTR), EFAULT);
    CHECK_ERR(raw_notify(q, -1, BAD_PTR), EFAULT);
    CHECK_ERR(raw_notify(q, -1, cookie), EBADF);
    CHECK_ERR(raw_notify(q, 1000, cookie), EBADF);
    CHECK_ERR(raw_notify(q, pipe_fds[0], cookie), ENOTSOCK);
    CHECK_ERR(raw_notify(q, unix_sock, cookie), EINVAL);
    CHECK_ERR(raw_notify(pipe_fds[0], sock, cookie), EBADF);
    CHECK_ERR(raw_notify(-1, sock, cookie), EBADF);
    CHECK_ERR(raw_notify(pipe_fds[0], unix_sock, cookie), EINVAL);
    /* None of these registered anything or sent anything. */
    check_notify_field(q, 0, 0);
    check_nothing_to_read(sock);

    close(unix_sock);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    close(sock);
    CHECK(mq_close(q) == 0);
}

int main(void)
{
    snprintf(g_name, sizeof g_name, "/ax_mq_notify_thread_%d", (int)getpid());
    test_errors();
    test_raw_cookie();
    test_glibc_thread();
    CHECK(mq_unlink(g_name) == 0);
    printf("mq_notify_thread ok\n");
    return 0;
}
