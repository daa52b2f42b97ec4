/* AF_UNIX datagram and seqpacket sockets: sendto/recvfrom with addresses, MSG_PEEK, MSG_TRUNC,
 * connect and its EPERM, ECONNREFUSED after the peer closes, message boundaries, EMSGSIZE,
 * readv/writev and sendmmsg/recvmmsg. */
#include "check.h"

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static socklen_t abstract_addr(struct sockaddr_un *addr, const char *tag)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1, "unix_dgram.%d.%s", getpid(), tag);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(addr->sun_path + 1));
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_un a_addr, b_addr, from;
    socklen_t a_len = abstract_addr(&a_addr, "a"), b_len = abstract_addr(&b_addr, "b"), from_len;
    int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(a >= 0 && b >= 0);
    CHECK(bind(a, (struct sockaddr *)&a_addr, a_len) == 0);
    char buf[64];

    /* Unconnected: a send needs an address; a receive waits. */
    CHECK_ERR(send(b, "x", 1, 0), ENOTCONN);
    CHECK_ERR(recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    CHECK_ERR(sendto(b, "x", 1, 0, (struct sockaddr *)&b_addr, b_len), ECONNREFUSED);
    CHECK_ERR(sendto(b, "x", 1, 0, (struct sockaddr *)&b_addr, 1), EINVAL);

    /* An unbound sender has no address. */
    CHECK(sendto(b, "one", 3, 0, (struct sockaddr *)&a_addr, a_len) == 3);
    from_len = sizeof(from);
    CHECK(recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&from, &from_len) == 3);
    CHECK(from_len == 0);

    /* A bound sender's name comes with each datagram; boundaries are kept. */
    CHECK(bind(b, (struct sockaddr *)&b_addr, b_len) == 0);
    CHECK(sendto(b, "first", 5, 0, (struct sockaddr *)&a_addr, a_len) == 5);
    CHECK(sendto(b, "second!", 7, 0, (struct sockaddr *)&a_addr, a_len) == 7);
    struct pollfd pfd = {a, POLLIN, 0};
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);
    int avail = -1;
    CHECK(recv(a, buf, sizeof(buf), MSG_PEEK) == 5);
    from_len = sizeof(from);
    CHECK(recvfrom(a, buf, 3, MSG_TRUNC, (struct sockaddr *)&from, &from_len) == 5); /* real length */
    CHECK(from_len == b_len && memcmp(&from, &b_addr, b_len) == 0);
    /* recvmsg reports the cut with MSG_TRUNC in msg_flags. */
    struct iovec iov = {buf, 4};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    CHECK(recvmsg(a, &msg, 0) == 4);
    CHECK(msg.msg_flags & MSG_TRUNC);
    CHECK(memcmp(buf, "seco", 4) == 0);
    (void)avail;

    /* Zero-length datagrams are datagrams. */
    CHECK(sendto(b, "", 0, 0, (struct sockaddr *)&a_addr, a_len) == 0);
    CHECK(recv(a, buf, sizeof(buf), MSG_DONTWAIT) == 0);
    CHECK_ERR(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

    /* writev/readv keep one datagram whole. */
    struct iovec parts[2] = {{"ab", 2}, {"cd", 2}};
    CHECK(connect(b, (struct sockaddr *)&a_addr, a_len) == 0);
    CHECK(writev(b, parts, 2) == 4);
    CHECK(read(a, buf, sizeof(buf)) == 4 && memcmp(buf, "abcd", 4) == 0);
    struct sockaddr_un peer;
    socklen_t peer_len = sizeof(peer);
    CHECK(getpeername(b, (struct sockaddr *)&peer, &peer_len) == 0 && peer_len == a_len);

    /* Another socket may not send to b, which is connected to a. */
    int c = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERR(sendto(c, "x", 1, 0, (struct sockaddr *)&b_addr, b_len), EPERM);
    CHECK_ERR(connect(c, (struct sockaddr *)&b_addr, b_len), EPERM);
    CHECK(sendto(c, "x", 1, 0, (struct sockaddr *)&a_addr, a_len) == 1);
    CHECK(recv(a, buf, sizeof(buf), 0) == 1);
    /* AF_UNSPEC dissolves the association. */
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    CHECK(connect(b, &unspec, sizeof(unspec)) == 0);
    CHECK_ERR(send(b, "x", 1, 0), ENOTCONN);
    CHECK(connect(b, (struct sockaddr *)&a_addr, a_len) == 0);

    /* Too big for the send buffer. */
    int sndbuf = 4096;
    CHECK(setsockopt(c, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) == 0);
    static char big[16384];
    CHECK_ERR(sendto(c, big, sizeof(big), 0, (struct sockaddr *)&a_addr, a_len), EMSGSIZE);

    /* The connected peer closes: the next send is refused and the socket disconnected. */
    close(a);
    CHECK_ERR(send(b, "x", 1, 0), ECONNREFUSED);
    CHECK_ERR(send(b, "x", 1, 0), ENOTCONN);
    close(b);
    close(c);

    /* SO_PASSCRED on an unbound sender autobinds it on sendto: the receiver sees a name. */
    int r = socket(AF_UNIX, SOCK_DGRAM, 0), u = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un r_addr;
    socklen_t r_len = abstract_addr(&r_addr, "r");
    CHECK(bind(r, (struct sockaddr *)&r_addr, r_len) == 0);
    int on = 1;
    CHECK(setsockopt(u, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == 0);
    CHECK(sendto(u, "auto", 4, 0, (struct sockaddr *)&r_addr, r_len) == 4);
    from_len = sizeof(from);
    CHECK(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &from_len) == 4);
    CHECK(from_len == sizeof(sa_family_t) + 6 && from.sun_path[0] == 0);
    close(r);
    close(u);

    /* sendmmsg and recvmmsg over a socketpair. */
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    struct iovec out_iov[3] = {{"m1", 2}, {"mm2", 3}, {"mmm3", 4}};
    struct mmsghdr out_msgs[3];
    memset(out_msgs, 0, sizeof(out_msgs));
    for (int i = 0; i < 3; ++i) {
        out_msgs[i].msg_hdr.msg_iov = &out_iov[i];
        out_msgs[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK(sendmmsg(sv[0], out_msgs, 3, 0) == 3);
    CHECK(out_msgs[0].msg_len == 2 && out_msgs[1].msg_len == 3 && out_msgs[2].msg_len == 4);
    char in_buf[4][8];
    struct iovec in_iov[4];
    struct mmsghdr in_msgs[4];
    memset(in_msgs, 0, sizeof(in_msgs));
    for (int i = 0; i < 4; ++i) {
        in_iov[i].iov_base = in_buf[i];
        in_iov[i].iov_len = sizeof(in_buf[i]);
        in_msgs[i].msg_hdr.msg_iov = &in_iov[i];
        in_msgs[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK(recvmmsg(sv[1], in_msgs, 4, MSG_WAITFORONE, NULL) == 3);
    CHECK(in_msgs[2].msg_len == 4 && memcmp(in_buf[2], "mmm3", 4) == 0);
    struct timespec ts = {0, 1000000};
    CHECK_ERR(recvmmsg(sv[1], in_msgs, 4, MSG_DONTWAIT, &ts), EAGAIN);
    ts.tv_nsec = -1;
    CHECK_ERR(recvmmsg(sv[1], in_msgs, 4, 0, &ts), EINVAL);
    close(sv[0]);
    close(sv[1]);

    /* seqpacket: connection based, with boundaries. */
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    CHECK(send(sv[0], "packet-one", 10, 0) == 10);
    CHECK(send(sv[0], "two", 3, 0) == 3);
    CHECK(recv(sv[1], buf, 6, 0) == 6);
    CHECK(recv(sv[1], buf, sizeof(buf), 0) == 3 && memcmp(buf, "two", 3) == 0);
    close(sv[0]);
    CHECK(recv(sv[1], buf, sizeof(buf), 0) == 0);
    CHECK_ERR(send(sv[1], "x", 1, 0), EPIPE);
    close(sv[1]);
    int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_ERR(send(s, "x", 1, 0), ENOTCONN);
    CHECK_ERR(recv(s, buf, 1, MSG_DONTWAIT), ENOTCONN);
    struct sockaddr_un s_addr;
    socklen_t s_len = abstract_addr(&s_addr, "seq");
    CHECK(bind(s, (struct sockaddr *)&s_addr, s_len) == 0);
    CHECK(listen(s, 4) == 0);
    int client = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK(connect(client, (struct sockaddr *)&s_addr, s_len) == 0);
    int conn = accept(s, NULL, NULL);
    CHECK(conn >= 0);
    CHECK(send(client, "hello", 5, 0) == 5);
    CHECK(recv(conn, buf, sizeof(buf), 0) == 5);
    close(client);
    close(conn);
    close(s);
    puts("unix_dgram: ok");
    return 0;
}
