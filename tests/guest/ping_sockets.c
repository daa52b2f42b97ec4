/* Ping sockets (icmp(7)): socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) and its ICMPv6 twin are
 * allowed exactly when the caller's group is in net.ipv4.ping_group_range (EACCES otherwise,
 * root included). The test reads the range itself, so it passes wherever it runs; where the
 * range admits it, it pings 127.0.0.1 and ::1: the kernel fills in the identifier (the socket's
 * "port") and checksum, the reply comes back with them from port 0, and only echo requests may
 * be sent. A second run with the range widened (tests/e2e/ping_sockets.sh) covers both paths. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

static int range_admits_me(void)
{
    FILE *file = fopen("/proc/sys/net/ipv4/ping_group_range", "r");
    CHECK(file);
    unsigned long low, high;
    CHECK(fscanf(file, "%lu %lu", &low, &high) == 2);
    fclose(file);
    gid_t groups[256];
    int count = getgroups(256, groups);
    CHECK(count >= 0);
    if (getegid() >= low && getegid() <= high)
        return 1;
    for (int i = 0; i < count; ++i) {
        if (groups[i] >= low && groups[i] <= high)
            return 1;
    }
    return 0;
}

/* Waits (at most 10 s) for one datagram and returns its length. */
static ssize_t receive(int fd, unsigned char *buffer, size_t size, struct sockaddr *from, socklen_t *from_len)
{
    struct pollfd p = {fd, POLLIN, 0};
    CHECK(poll(&p, 1, 10000) == 1);
    return recvfrom(fd, buffer, size, 0, from, from_len);
}

static void ping_v4(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    CHECK(fd >= 0);
    int protocol = 0;
    socklen_t len = sizeof protocol;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) == 0 && protocol == IPPROTO_ICMP);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

    /* Only an echo request with a whole header may be sent. */
    unsigned char request[16] = {8, 0, 0, 0, 0, 0, 0, 1, 'a', 's', 't', 'e', 'r', 'i', 'x', '!'};
    CHECK_ERR(sendto(fd, request, 7, 0, (struct sockaddr *)&to, sizeof to), EINVAL);
    unsigned char reply_type[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    CHECK_ERR(sendto(fd, reply_type, sizeof reply_type, 0, (struct sockaddr *)&to, sizeof to), EINVAL);
    unsigned char bad_code[8] = {8, 1, 0, 0, 0, 0, 0, 1};
    CHECK_ERR(sendto(fd, bad_code, sizeof bad_code, 0, (struct sockaddr *)&to, sizeof to), EINVAL);
    CHECK_ERR(send(fd, request, sizeof request, 0), EDESTADDRREQ);

    /* Sending binds the socket: its identifier is its port. */
    CHECK(sendto(fd, request, sizeof request, 0, (struct sockaddr *)&to, sizeof to) == sizeof request);
    struct sockaddr_in local;
    len = sizeof local;
    CHECK(getsockname(fd, (struct sockaddr *)&local, &len) == 0);
    CHECK(local.sin_family == AF_INET && local.sin_port != 0);

    unsigned char reply[64];
    struct sockaddr_in from;
    socklen_t from_len = sizeof from;
    ssize_t n = receive(fd, reply, sizeof reply, (struct sockaddr *)&from, &from_len);
    CHECK(n == sizeof request);
    CHECK(reply[0] == 0 && reply[1] == 0);                      /* an echo reply */
    CHECK(memcmp(reply + 4, &local.sin_port, 2) == 0);           /* with our identifier */
    CHECK(reply[6] == 0 && reply[7] == 1);                       /* the sequence number we sent */
    CHECK(memcmp(reply + 8, request + 8, 8) == 0);
    CHECK(from.sin_family == AF_INET && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && from.sin_port == 0);

    /* A second socket bound to an identifier of its choosing. (Whether an identifier in use
     * may be bound again differs between Linux versions: 6.18 allows it, so it is not tested.) */
    int other = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    CHECK(other >= 0);
    struct sockaddr_in chosen = {.sin_family = AF_INET, .sin_port = htons(4242), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct sockaddr_in elsewhere = chosen;
    elsewhere.sin_addr.s_addr = inet_addr("192.0.2.1");
    CHECK_ERR(bind(other, (struct sockaddr *)&elsewhere, sizeof elsewhere), EADDRNOTAVAIL);
    int bound = bind(other, (struct sockaddr *)&chosen, sizeof chosen);
    if (bound != 0) /* somebody else on this machine holds 4242 */
        CHECK(errno == EADDRINUSE);
    CHECK_ERR(bind(fd, (struct sockaddr *)&chosen, sizeof chosen), EINVAL); /* already bound */

    /* connect + send, and the reply reaches only the socket whose identifier it carries. */
    CHECK(connect(other, (struct sockaddr *)&to, sizeof to) == 0);
    /* inet_getname: a peer whose port is 0 is no peer. */
    struct sockaddr_in peer;
    len = sizeof peer;
    CHECK_ERR(getpeername(other, (struct sockaddr *)&peer, &len), ENOTCONN);
    request[7] = 2;
    CHECK(send(other, request, sizeof request, 0) == sizeof request);
    n = receive(other, reply, sizeof reply, NULL, NULL);
    CHECK(n == sizeof request && reply[0] == 0 && reply[7] == 2);
    struct sockaddr_in other_local;
    len = sizeof other_local;
    CHECK(getsockname(other, (struct sockaddr *)&other_local, &len) == 0);
    CHECK(memcmp(reply + 4, &other_local.sin_port, 2) == 0);
    if (bound == 0)
        CHECK(other_local.sin_port == htons(4242));
    struct pollfd p = {fd, POLLIN, 0};
    CHECK(poll(&p, 1, 100) == 0); /* nothing for the first socket */

    /* The checksum of the reply is right: the one's complement sum over it is 0xffff. */
    unsigned long sum = 0;
    for (ssize_t i = 0; i + 1 < n; i += 2)
        sum += (unsigned)(reply[i] << 8 | reply[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    CHECK(sum == 0xffff);

    /* A datagram larger than the buffer is cut, with MSG_TRUNC. */
    request[7] = 3;
    CHECK(send(other, request, sizeof request, 0) == sizeof request);
    CHECK(poll(&(struct pollfd) {other, POLLIN, 0}, 1, 10000) == 1);
    struct iovec iov = {reply, 10};
    struct msghdr message = {.msg_iov = &iov, .msg_iovlen = 1};
    CHECK(recvmsg(other, &message, 0) == 10 && (message.msg_flags & MSG_TRUNC));
    close(other);
    close(fd);
}

static void ping_v6(void)
{
    int fd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6);
    CHECK(fd >= 0);
    struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    unsigned char v4_request[8] = {8, 0, 0, 0, 0, 0, 0, 1};
    CHECK_ERR(sendto(fd, v4_request, sizeof v4_request, 0, (struct sockaddr *)&to, sizeof to), EINVAL);
    unsigned char request[12] = {128, 0, 0, 0, 0, 0, 0, 9, 'p', 'i', 'n', 'g'};
    CHECK(sendto(fd, request, sizeof request, 0, (struct sockaddr *)&to, sizeof to) == sizeof request);
    struct sockaddr_in6 local;
    socklen_t len = sizeof local;
    CHECK(getsockname(fd, (struct sockaddr *)&local, &len) == 0 && local.sin6_port != 0);
    unsigned char reply[64];
    struct sockaddr_in6 from;
    socklen_t from_len = sizeof from;
    ssize_t n = receive(fd, reply, sizeof reply, (struct sockaddr *)&from, &from_len);
    CHECK(n == sizeof request && reply[0] == 129 && reply[1] == 0);
    CHECK(memcmp(reply + 4, &local.sin6_port, 2) == 0 && reply[7] == 9);
    CHECK(memcmp(reply + 8, "ping", 4) == 0);
    CHECK(from.sin6_family == AF_INET6 && from.sin6_port == 0);
    CHECK(memcmp(&from.sin6_addr, &in6addr_loopback, sizeof in6addr_loopback) == 0);
    close(fd);
}

/* The options ping(8) sets on its socket are taken and read back (on UDP sockets too). */
static void receive_options(int family, int level, const int *names, int count)
{
    int fd = socket(family, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    for (int i = 0; i < count; ++i) {
        int on = 1, value = 0;
        socklen_t len = sizeof value;
        CHECK(getsockopt(fd, level, names[i], &value, &len) == 0 && value == 0);
        CHECK(setsockopt(fd, level, names[i], &on, sizeof on) == 0);
        CHECK(getsockopt(fd, level, names[i], &value, &len) == 0 && value == 1);
    }
    close(fd);
}

int main(void)
{
    static const int v4_options[] = {IP_RECVERR, IP_RECVTTL};
    static const int v6_options[] = {IPV6_RECVERR, IPV6_RECVHOPLIMIT};
    receive_options(AF_INET, IPPROTO_IP, v4_options, 2);
    receive_options(AF_INET6, IPPROTO_IPV6, v6_options, 2);
    /* The protocols pair with their own family only. */
    CHECK_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMPV6), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMP), EPROTONOSUPPORT);
    if (!range_admits_me()) {
        CHECK_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), EACCES);
        CHECK_ERR(socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6), EACCES);
        printf("ping_sockets: not in ping_group_range: EACCES as expected\n");
        return 0;
    }
    ping_v4();
    ping_v6();
    printf("ping_sockets: ok\n");
    return 0;
}
