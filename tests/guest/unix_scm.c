/* SCM_RIGHTS between two processes, SCM_CREDENTIALS with SO_PASSCRED, SO_PEERCRED of a forked
 * peer, MSG_CTRUNC when the control buffer is short, MSG_CMSG_CLOEXEC, bad control messages,
 * and files in flight released when the receiving socket closes unread. */
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int send_fds(int sock, const int *fds, int count, const char *text)
{
    char control[CMSG_SPACE(sizeof(int) * 8)];
    memset(control, 0, sizeof(control));
    struct iovec iov = {(void *)text, strlen(text)};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                         .msg_controllen = CMSG_SPACE(sizeof(int) * count)};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * count);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * count);
    return (int)sendmsg(sock, &msg, 0);
}

/* Receives one message; returns the passed descriptors in fds and their count. */
static int recv_fds(int sock, int *fds, int max, size_t control_len, int flags, int *msg_flags, char *text)
{
    char control[256];
    char data[64] = {0};
    struct iovec iov = {data, sizeof(data) - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = control_len};
    ssize_t n = recvmsg(sock, &msg, flags);
    if (n < 0)
        return -1;
    if (text)
        strcpy(text, data);
    *msg_flags = msg.msg_flags;
    int count = 0;
    for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
            int here = (int)((cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < here && count < max; ++i)
                memcpy(&fds[count++], CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
        }
    }
    return count;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);

    /* A child opens a pipe and passes its read end; the parent reads what the child writes. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(sv[0]);
        int p[2];
        if (pipe(p) != 0 || send_fds(sv[1], &p[0], 1, "pipe") != 4)
            _exit(1);
        close(p[0]);
        if (write(p[1], "through the pipe", 16) != 16)
            _exit(2);
        /* The parent's SO_PEERCRED names the parent here. */
        struct ucred cred;
        socklen_t len = sizeof(cred);
        if (getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.pid != getppid())
            _exit(3);
        _exit(0);
    }
    close(sv[1]);
    int fds[8], flags = 0;
    char text[64];
    CHECK(recv_fds(sv[0], fds, 8, 256, MSG_CMSG_CLOEXEC, &flags, text) == 1);
    CHECK(strcmp(text, "pipe") == 0);
    CHECK(flags == MSG_CMSG_CLOEXEC); /* Linux echoes the flag in msg_flags */
    CHECK(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
    char buf[32] = {0};
    CHECK(read(fds[0], buf, sizeof(buf)) == 16 && memcmp(buf, "through the pipe", 16) == 0);
    close(fds[0]);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(sv[0]);

    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    /* Bad control messages. */
    int bad_fd = 999;
    CHECK_ERR(send_fds(sv[0], &bad_fd, 1, "x"), EBADF);
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {"x", 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = 99;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    CHECK_ERR(sendmsg(sv[0], &msg, 0), EINVAL);
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = sizeof(control) + 8;
    CHECK_ERR(sendmsg(sv[0], &msg, 0), EINVAL);
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    msg.msg_control = BAD_PTR;
    CHECK_ERR(sendmsg(sv[0], &msg, 0), EFAULT);
    msg.msg_control = control;
    msg.msg_iovlen = 2000;
    CHECK_ERR(sendmsg(sv[0], &msg, 0), EMSGSIZE);
    msg.msg_iovlen = 1;

    /* A control buffer too short for the descriptors: MSG_CTRUNC, extra ones are closed. */
    int three[3];
    for (int i = 0; i < 3; ++i)
        three[i] = open("/dev/null", O_RDONLY);
    CHECK(send_fds(sv[0], three, 3, "three") == 5);
    CHECK(recv_fds(sv[1], fds, 8, CMSG_LEN(sizeof(int)), 0, &flags, NULL) == 1);
    CHECK(flags & MSG_CTRUNC);
    CHECK(!(fcntl(fds[0], F_GETFD) & FD_CLOEXEC));
    close(fds[0]);
    /* No control buffer at all: all are dropped. */
    CHECK(send_fds(sv[0], three, 3, "three") == 5);
    CHECK(recv_fds(sv[1], fds, 8, 0, 0, &flags, NULL) == 0);
    CHECK(flags & MSG_CTRUNC);
    /* MSG_PEEK passes them too, and the real read again. */
    CHECK(send_fds(sv[0], three, 2, "two") == 3);
    CHECK(recv_fds(sv[1], fds, 8, 256, MSG_PEEK, &flags, NULL) == 2);
    close(fds[0]);
    close(fds[1]);
    CHECK(recv_fds(sv[1], fds, 8, 256, 0, &flags, NULL) == 2);
    close(fds[0]);
    close(fds[1]);

    /* SCM_CREDENTIALS: with SO_PASSCRED each message carries the sender's pid and IDs. */
    int on = 1;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == 0);
    CHECK(send(sv[0], "c", 1, 0) == 1);
    char cred_control[CMSG_SPACE(sizeof(struct ucred))];
    char data[8];
    struct iovec in_iov = {data, sizeof(data)};
    struct msghdr in = {.msg_iov = &in_iov, .msg_iovlen = 1, .msg_control = cred_control, .msg_controllen = sizeof(cred_control)};
    CHECK(recvmsg(sv[1], &in, 0) == 1);
    cmsg = CMSG_FIRSTHDR(&in);
    CHECK(cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_CREDENTIALS);
    CHECK(cmsg->cmsg_len == CMSG_LEN(sizeof(struct ucred)));
    struct ucred got;
    memcpy(&got, CMSG_DATA(cmsg), sizeof(got));
    CHECK(got.pid == getpid() && got.uid == getuid() && got.gid == getgid());
    /* A sender may state its own credentials, not another process's. */
    char out_control[CMSG_SPACE(sizeof(struct ucred))];
    struct msghdr out = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = out_control, .msg_controllen = sizeof(out_control)};
    cmsg = CMSG_FIRSTHDR(&out);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_CREDENTIALS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred mine = {getpid(), getuid(), getgid()};
    memcpy(CMSG_DATA(cmsg), &mine, sizeof(mine));
    CHECK(sendmsg(sv[0], &out, 0) == 1);
    in.msg_controllen = sizeof(cred_control);
    CHECK(recvmsg(sv[1], &in, 0) == 1);
    if (getuid() != 0) {
        mine.pid = 1;
        memcpy(CMSG_DATA(cmsg), &mine, sizeof(mine));
        CHECK_ERR(sendmsg(sv[0], &out, 0), EPERM);
    }
    cmsg->cmsg_len = CMSG_LEN(sizeof(struct ucred)) - 1;
    CHECK_ERR(sendmsg(sv[0], &out, 0), EINVAL);

    /* Closing a socket with files in flight closes them: the pipe's reader goes away. */
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(send_fds(sv[0], &p[0], 1, "r") == 1);
    close(p[0]);
    close(sv[1]);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    close(p[1]);
    /* A socket passed over itself, with a pipe's read end: once every descriptor is closed,
     * only the cycle holds them, and the collector frees both (the pipe loses its reader). */
    int loop[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, loop) == 0);
    CHECK(pipe(p) == 0);
    int passed[2] = {loop[1], p[0]};
    CHECK(send_fds(loop[0], passed, 2, "self") == 4);
    close(p[0]);
    close(loop[0]);
    close(loop[1]);
    int is_freed = 0;
    for (int i = 0; i < 200 && !is_freed; ++i) {
        close(socket(AF_UNIX, SOCK_STREAM, 0));
        errno = 0;
        is_freed = write(p[1], "x", 1) < 0 && errno == EPIPE;
        if (!is_freed)
            usleep(10000);
    }
    CHECK(is_freed);
    close(p[1]);
    close(sv[0]);
    puts("unix_scm: ok");
    return 0;
}
