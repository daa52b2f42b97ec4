/* socket(2), socketpair(2), getsockopt/setsockopt and the calls on descriptors that are not
 * sockets or on sockets in the wrong state, with Linux's errors. */
#include "check.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static int get_int(int fd, int name)
{
    int value = -1;
    socklen_t len = sizeof(value);
    CHECK(getsockopt(fd, SOL_SOCKET, name, &value, &len) == 0);
    CHECK(len == sizeof(int));
    return value;
}

int main(void)
{
    /* Families, types and flags. */
    CHECK_ERR(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(46, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, 0, 0), ESOCKTNOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, 11, 0), EINVAL);
    CHECK_ERR(socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL);
    CHECK_ERR(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT);
    int raw = socket(AF_UNIX, SOCK_RAW, 0);
    CHECK(raw >= 0);
    CHECK(get_int(raw, SO_TYPE) == SOCK_DGRAM);
    close(raw);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, AF_UNIX);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode));
    CHECK(get_int(fd, SO_TYPE) == SOCK_STREAM);
    CHECK(get_int(fd, SO_DOMAIN) == AF_UNIX);
    CHECK(get_int(fd, SO_PROTOCOL) == 0);
    CHECK(get_int(fd, SO_ACCEPTCONN) == 0);
    CHECK(get_int(fd, SO_ERROR) == 0);
    CHECK(get_int(fd, SO_SNDBUF) == 212992);
    CHECK(get_int(fd, SO_RCVBUF) == 212992);
    CHECK(get_int(fd, SO_PASSCRED) == 0);

    /* A fresh stream socket polls writable and hung up (unix_poll, TCP_CLOSE). */
    struct pollfd pfd = {fd, POLLIN | POLLOUT, 0};
    CHECK(poll(&pfd, 1, 0) == 1);
    CHECK(pfd.revents == (POLLOUT | POLLHUP));

    /* Buffer sizes are doubled, capped and floored as Linux does. */
    int value = 100000;
    CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof(value)) == 0);
    CHECK(get_int(fd, SO_SNDBUF) == 200000);
    value = 1;
    CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof(value)) == 0);
    CHECK(get_int(fd, SO_SNDBUF) == 4608);
    CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof(value)) == 0);
    CHECK(get_int(fd, SO_RCVBUF) == 2304);
    /* (The cap, net.core.rmem_max, is the host's own when this runs natively.) */
    value = 150000;
    CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof(value)) == 0);
    CHECK(get_int(fd, SO_RCVBUF) == 300000);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, 2), EINVAL);

    /* Flags read back; unknown options and levels. */
    value = 1;
    CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, sizeof(value)) == 0);
    CHECK(get_int(fd, SO_REUSEADDR) == 1);
    CHECK(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &value, sizeof(value)) == 0);
    CHECK(get_int(fd, SO_KEEPALIVE) == 1);
    CHECK(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &value, sizeof(value)) == 0);
    CHECK(get_int(fd, SO_PASSCRED) == 1);
    struct linger lg = {1, 5};
    CHECK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
    struct linger lg_out;
    socklen_t len = sizeof(lg_out);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg_out, &len) == 0);
    CHECK(len == sizeof(lg_out) && lg_out.l_onoff == 1 && lg_out.l_linger == 5);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, 4), EINVAL);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, 9999, &value, sizeof(value)), ENOPROTOOPT);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_TYPE, &value, sizeof(value)), ENOPROTOOPT);
    len = sizeof(value);
    CHECK_ERR(getsockopt(fd, SOL_SOCKET, 9999, &value, &len), ENOPROTOOPT);
    len = -1;
    CHECK_ERR(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len), EINVAL);
    CHECK_ERR(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, BAD_PTR), EFAULT);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, BAD_PTR, sizeof(value)), EFAULT);
    /* A short length gets a short value. */
    char small = 0x55;
    len = 1;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &small, &len) == 0);
    CHECK(len == 1 && small == SOCK_STREAM);

    /* Timeouts: a struct timeval, EDOM for microseconds out of range. */
    struct timeval tv = {1, 500000}, tv_out;
    CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
    len = sizeof(tv_out);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv_out, &len) == 0);
    CHECK(len == sizeof(tv_out) && tv_out.tv_sec == 1 && tv_out.tv_usec == 500000);
    tv.tv_usec = 1000000;
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), EDOM);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, 8), EINVAL);

    /* SO_PEERCRED of an unconnected socket: no process, IDs -1. */
    struct ucred cred;
    len = sizeof(cred);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0);
    CHECK(len == sizeof(cred) && cred.pid == 0 && cred.uid == (uid_t)-1 && cred.gid == (gid_t)-1);

    /* Wrong state. */
    char byte = 0;
    CHECK_ERR(recv(fd, &byte, 1, 0), EINVAL);
    CHECK_ERR(send(fd, &byte, 1, MSG_NOSIGNAL), ENOTCONN);
    CHECK_ERR(accept(fd, NULL, NULL), EINVAL);
    CHECK_ERR(listen(fd, 1), EINVAL); /* unbound */
    struct sockaddr_un addr;
    len = sizeof(addr);
    CHECK_ERR(getpeername(fd, (struct sockaddr *)&addr, &len), ENOTCONN);
    len = sizeof(addr);
    CHECK(getsockname(fd, (struct sockaddr *)&addr, &len) == 0);
    CHECK(len == sizeof(sa_family_t) && addr.sun_family == AF_UNIX);
    CHECK_ERR(shutdown(fd, 3), EINVAL);
    CHECK_ERR(shutdown(fd, -1), EINVAL);
    CHECK_ERR(accept4(fd, NULL, NULL, 0x1), EINVAL);

    /* Descriptors that are not sockets. */
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    CHECK_ERR(listen(pipe_fds[0], 1), ENOTSOCK);
    CHECK_ERR(getsockopt(pipe_fds[0], SOL_SOCKET, SO_TYPE, &value, &len), ENOTSOCK);
    CHECK_ERR(send(pipe_fds[1], &byte, 1, 0), ENOTSOCK);
    CHECK_ERR(listen(999, 1), EBADF);
    close(fd);

    /* socketpair: connected both ways, with the caller as SO_PEERCRED. */
    int sv[2];
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, sv), EINVAL);
    int *volatile bad_fds = BAD_PTR;
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, bad_fds), EFAULT);
    CHECK_ERR(socketpair(AF_UNIX, 0, 0, sv), ESOCKTNOSUPPORT);
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    CHECK(fcntl(sv[1], F_GETFD) & FD_CLOEXEC);
    len = sizeof(cred);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0);
    CHECK(cred.pid == getpid() && cred.uid == geteuid() && cred.gid == getegid());
    len = sizeof(addr);
    CHECK(getpeername(sv[0], (struct sockaddr *)&addr, &len) == 0 && len == sizeof(sa_family_t));
    CHECK(write(sv[0], "hello", 5) == 5);
    int avail = 0;
    char buf[16];
    CHECK(recv(sv[1], buf, sizeof(buf), MSG_PEEK) == 5);
    CHECK(read(sv[1], buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK(avail == 0);
    CHECK_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    /* A stream peek spans several writes and leaves them; FIONREAD counts them. */
    CHECK(write(sv[0], "ab", 2) == 2 && write(sv[0], "cd", 2) == 2);
    CHECK(ioctl(sv[1], FIONREAD, &avail) == 0 && avail == 4);
    CHECK(recv(sv[1], buf, sizeof(buf), MSG_PEEK) == 4 && memcmp(buf, "abcd", 4) == 0);
    CHECK(recv(sv[1], buf, 3, 0) == 3 && memcmp(buf, "abc", 3) == 0);
    CHECK(recv(sv[1], buf, sizeof(buf), 0) == 1 && buf[0] == 'd');
    avail = 0;
    CHECK_ERR(connect(sv[0], (struct sockaddr *)&addr, sizeof(sa_family_t)), EINVAL);
    close(sv[0]);
    close(sv[1]);
    puts("unix_socket_calls: ok");
    return 0;
}
