/* UDP over 127.0.0.1 and ::1: sendto/recvfrom with the sender's address, connect and send,
 * EDESTADDRREQ, MSG_PEEK, MSG_TRUNC (the flag and msg_flags), sendmsg/recvmsg with scatter
 * lists, MSG_DONTWAIT, poll, AF_UNSPEC disconnect, EADDRINUSE and the socket's options. */
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static socklen_t loopback(int family, int port, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof *out);
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)out;
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return sizeof *in;
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    in6->sin6_addr = in6addr_loopback;
    return sizeof *in6;
}

static int bound_socket(int family, struct sockaddr_storage *addr, socklen_t *len)
{
    int fd = socket(family, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    *len = loopback(family, 0, addr);
    CHECK(bind(fd, (struct sockaddr *)addr, *len) == 0);
    socklen_t got = sizeof *addr;
    CHECK(getsockname(fd, (struct sockaddr *)addr, &got) == 0 && got == *len);
    return fd;
}

static void datagrams_over(int family)
{
    struct sockaddr_storage a_addr, b_addr, from;
    socklen_t a_len, b_len, from_len;
    int a = bound_socket(family, &a_addr, &a_len);
    int b = bound_socket(family, &b_addr, &b_len);
    char buf[64];

    CHECK_ERR(recv(b, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK_ERR(send(a, "x", 1, 0), EDESTADDRREQ);
    CHECK(sendto(a, "first", 5, 0, (struct sockaddr *)&b_addr, b_len) == 5);
    CHECK(sendto(a, "second!", 7, 0, (struct sockaddr *)&b_addr, b_len) == 7);
    struct pollfd p = {.fd = b, .events = POLLIN};
    CHECK(poll(&p, 1, 2000) == 1 && (p.revents & POLLIN));
    int ready = 0;
    CHECK(ioctl(b, FIONREAD, &ready) == 0 && ready == 5);
    /* Datagram boundaries hold: a peek and a short read see only the first. */
    CHECK(recv(b, buf, sizeof buf, MSG_PEEK) == 5);
    from_len = sizeof from;
    CHECK(recvfrom(b, buf, 3, 0, (struct sockaddr *)&from, &from_len) == 3);
    CHECK(from_len == a_len && memcmp(&from, &a_addr, a_len) == 0);
    /* MSG_TRUNC as a flag returns the datagram's real length; msg_flags says it was cut. */
    struct iovec iov[2] = {{buf, 2}, {buf + 2, 2}};
    struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = iov, .msg_iovlen = 2};
    CHECK(recvmsg(b, &msg, MSG_TRUNC) == 7);
    CHECK(msg.msg_flags & MSG_TRUNC);
    CHECK(memcmp(buf, "seco", 4) == 0);

    /* connect: send without an address; datagrams from others are still received here
     * (lwIP and Linux differ on filtering, so only the connected peer sends). */
    CHECK(connect(a, (struct sockaddr *)&b_addr, b_len) == 0);
    struct sockaddr_storage peer;
    socklen_t peer_len = sizeof peer;
    CHECK(getpeername(a, (struct sockaddr *)&peer, &peer_len) == 0 && peer_len == b_len);
    CHECK(memcmp(&peer, &b_addr, b_len) == 0);
    struct iovec out[2] = {{"gath", 4}, {"ered", 4}};
    struct msghdr out_msg = {.msg_iov = out, .msg_iovlen = 2};
    CHECK(sendmsg(a, &out_msg, 0) == 8);
    CHECK(recv(b, buf, sizeof buf, 0) == 8 && memcmp(buf, "gathered", 8) == 0);
    CHECK(write(a, "w", 1) == 1);
    CHECK(read(b, buf, sizeof buf) == 1 && buf[0] == 'w');
    /* A zero-length datagram is a datagram. */
    CHECK(send(a, "", 0, 0) == 0);
    CHECK(recv(b, buf, sizeof buf, 0) == 0);
    /* AF_UNSPEC dissolves the association. */
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    CHECK(connect(a, &unspec, sizeof unspec) == 0);
    peer_len = sizeof peer;
    CHECK_ERR(getpeername(a, (struct sockaddr *)&peer, &peer_len), ENOTCONN);
    CHECK_ERR(send(a, "x", 1, 0), EDESTADDRREQ);

    /* The port is taken. */
    int c = socket(family, SOCK_DGRAM, 0);
    CHECK_ERR(bind(c, (struct sockaddr *)&b_addr, b_len), EADDRINUSE);
    /* Short addresses. */
    CHECK_ERR(sendto(c, "x", 1, 0, (struct sockaddr *)&b_addr, family == AF_INET ? 8 : 20), EINVAL);
    close(c);
    close(a);
    close(b);
}

static void options(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int value = -1;
    socklen_t len = sizeof value;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len) == 0 && value == SOCK_DGRAM);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &value, &len) == 0 && value == IPPROTO_UDP);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &len) == 0 && value == 0);
    int one = 1;
    CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, &len) == 0 && value == 1);
    CHECK(listen(fd, 1) == -1 && errno == EOPNOTSUPP);
    CHECK(accept(fd, NULL, NULL) == -1 && errno == EOPNOTSUPP);
    CHECK_ERR(shutdown(fd, SHUT_RDWR), ENOTCONN);
    close(fd);
}

int main(void)
{
    alarm(30);
    datagrams_over(AF_INET);
    datagrams_over(AF_INET6);
    options();
    printf("inet_udp: ok\n");
    return 0;
}
