/* Multicast options on UDP sockets, IPv4 and IPv6: Linux takes them all; a kernel without
 * multicast support (asterix: its stack has no IGMP or MLD) refuses them all, set and get,
 * with ENOPROTOOPT. Either way they agree: whichever answer the first gives, every other
 * gives too, and joining a group on a TCP socket is EPROTO in both. */
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static int is_supported;

/* The result of one option call: 0 where multicast works, ENOPROTOOPT where it does not. */
static void check_same(int result, const char *what)
{
    if (is_supported ? result != 0 : (result != -1 || errno != ENOPROTOOPT)) {
        fprintf(stderr, "%s: gave %d (errno %d %s) but IP_ADD_MEMBERSHIP %s\n", what, result, errno, strerror(errno),
            is_supported ? "worked" : "was ENOPROTOOPT");
        exit(1);
    }
}

int main(void)
{
    alarm(20);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(udp >= 0);
    struct ip_mreq group = {.imr_multiaddr.s_addr = inet_addr("239.1.2.3"), .imr_interface.s_addr = htonl(INADDR_LOOPBACK)};
    errno = 0;
    int joined = setsockopt(udp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &group, sizeof group);
    CHECK(joined == 0 || errno == ENOPROTOOPT);
    is_supported = joined == 0;
    check_same(setsockopt(udp, IPPROTO_IP, IP_DROP_MEMBERSHIP, &group, sizeof group), "IP_DROP_MEMBERSHIP");
    int ttl = 2, loop = 0;
    check_same(setsockopt(udp, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl), "IP_MULTICAST_TTL");
    check_same(setsockopt(udp, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop), "IP_MULTICAST_LOOP");
    struct in_addr interface = {htonl(INADDR_LOOPBACK)};
    check_same(setsockopt(udp, IPPROTO_IP, IP_MULTICAST_IF, &interface, sizeof interface), "IP_MULTICAST_IF");
    int value = -1;
    socklen_t len = sizeof value;
    check_same(getsockopt(udp, IPPROTO_IP, IP_MULTICAST_TTL, &value, &len), "getsockopt IP_MULTICAST_TTL");
    if (is_supported)
        CHECK(value == 2);
    len = sizeof value;
    check_same(getsockopt(udp, IPPROTO_IP, IP_MULTICAST_LOOP, &value, &len), "getsockopt IP_MULTICAST_LOOP");
    if (is_supported)
        CHECK(value == 0);

    int udp6 = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECK(udp6 >= 0);
    struct ipv6_mreq group6 = {.ipv6mr_interface = 1};
    CHECK(inet_pton(AF_INET6, "ff02::1:3", &group6.ipv6mr_multiaddr) == 1);
    check_same(setsockopt(udp6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &group6, sizeof group6), "IPV6_JOIN_GROUP");
    check_same(setsockopt(udp6, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &group6, sizeof group6), "IPV6_LEAVE_GROUP");
    int hops = 1;
    check_same(setsockopt(udp6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops), "IPV6_MULTICAST_HOPS");
    check_same(setsockopt(udp6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof loop), "IPV6_MULTICAST_LOOP");
    len = sizeof value;
    check_same(getsockopt(udp6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &value, &len), "getsockopt IPV6_MULTICAST_HOPS");

    /* Groups are for datagrams: a TCP socket may not join one. */
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(tcp >= 0);
    CHECK_ERR(setsockopt(tcp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &group, sizeof group), EPROTO);
    printf("inet_multicast: ok (multicast %s)\n", is_supported ? "supported" : "refused with ENOPROTOOPT");
    close(tcp);
    close(udp6);
    close(udp);
    return 0;
}
