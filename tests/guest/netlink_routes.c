/* RTM_GETROUTE dumps over NETLINK_ROUTE: well-formed RTM_NEWROUTE messages ending in NLMSG_DONE,
 * the loopback's routes in the local table (local 127.0.0.0/8 and 127.0.0.1 with source
 * 127.0.0.1, broadcast 127.255.255.255, local ::1) on lo's index, and a dump for one family
 * that holds only that family. The SOL_NETLINK options ip(8) sets are accepted and read back.
 * (A host has more routes than these: only the loopback's are required.) */
#include "check.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

struct found {
    int local_v4_net, local_v4_addr, broadcast_v4, local_v6, other_family;
};

static void dump(int fd, int family, struct found *found)
{
    static unsigned seq = 100;
    struct {
        struct nlmsghdr header;
        struct rtmsg message;
    } request = {{.nlmsg_len = sizeof request, .nlmsg_type = RTM_GETROUTE, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
                  .nlmsg_seq = ++seq},
                 {.rtm_family = family}};
    CHECK(send(fd, &request, sizeof request, 0) == sizeof request);
    unsigned lo = if_nametoindex("lo");
    CHECK(lo > 0);
    static char reply[65536];
    for (;;) {
        ssize_t n = recv(fd, reply, sizeof reply, 0);
        CHECK(n > 0);
        for (struct nlmsghdr *h = (struct nlmsghdr *)reply; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
            CHECK(h->nlmsg_seq == seq);
            if (h->nlmsg_type == NLMSG_DONE)
                return;
            CHECK(h->nlmsg_type == RTM_NEWROUTE);
            CHECK(h->nlmsg_flags & NLM_F_MULTI);
            struct rtmsg *r = NLMSG_DATA(h);
            if (family != AF_UNSPEC && r->rtm_family != family)
                found->other_family = 1;
            unsigned char dst[16] = {0}, src[16] = {0};
            int oif = 0, table = r->rtm_table;
            int len = RTM_PAYLOAD(h);
            for (struct rtattr *a = RTM_RTA(r); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) <= 16)
                    memcpy(dst, RTA_DATA(a), RTA_PAYLOAD(a));
                else if (a->rta_type == RTA_PREFSRC && RTA_PAYLOAD(a) <= 16)
                    memcpy(src, RTA_DATA(a), RTA_PAYLOAD(a));
                else if (a->rta_type == RTA_OIF)
                    oif = *(int *)RTA_DATA(a);
                else if (a->rta_type == RTA_TABLE)
                    table = *(int *)RTA_DATA(a);
            }
            if (oif != (int)lo || table != RT_TABLE_LOCAL || r->rtm_protocol != RTPROT_KERNEL)
                continue;
            static const unsigned char v4_net[4] = {127, 0, 0, 0}, v4_addr[4] = {127, 0, 0, 1};
            static const unsigned char v4_broadcast[4] = {127, 255, 255, 255};
            if (r->rtm_family == AF_INET && r->rtm_type == RTN_LOCAL && r->rtm_scope == RT_SCOPE_HOST
                && memcmp(src, v4_addr, 4) == 0) {
                if (r->rtm_dst_len == 8 && memcmp(dst, v4_net, 4) == 0)
                    found->local_v4_net = 1;
                if (r->rtm_dst_len == 32 && memcmp(dst, v4_addr, 4) == 0)
                    found->local_v4_addr = 1;
            }
            if (r->rtm_family == AF_INET && r->rtm_type == RTN_BROADCAST && r->rtm_scope == RT_SCOPE_LINK
                && r->rtm_dst_len == 32 && memcmp(dst, v4_broadcast, 4) == 0)
                found->broadcast_v4 = 1;
            if (r->rtm_family == AF_INET6 && r->rtm_type == RTN_LOCAL && r->rtm_dst_len == 128
                && memcmp(dst, &in6addr_loopback, 16) == 0)
                found->local_v6 = 1;
        }
    }
}

int main(void)
{
    alarm(20);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(fd >= 0);
    int on = 1;
    CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on) == 0);
    CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &on, sizeof on) == 0);
    int value = 0;
    socklen_t len = sizeof value;
    CHECK(getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &value, &len) == 0 && value == 1 && len == sizeof value);
    /* A value shorter than an int is taken as 0 (netlink_setsockopt). */
    CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, 2) == 0);
    CHECK(getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &value, &len) == 0 && value == 0);
    /* Strict checking asks the dump to honour the request's rtmsg; turned off for the rest. */
    on = 0;
    CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &on, sizeof on) == 0);
    struct sockaddr_nl self = {.nl_family = AF_NETLINK};
    CHECK(bind(fd, (struct sockaddr *)&self, sizeof self) == 0);

    struct found all = {0};
    dump(fd, AF_UNSPEC, &all);
    CHECK(all.local_v4_net && all.local_v4_addr && all.broadcast_v4 && all.local_v6);
    struct found v4 = {0};
    dump(fd, AF_INET, &v4);
    CHECK(v4.local_v4_net && v4.local_v4_addr && !v4.local_v6 && !v4.other_family);
    struct found v6 = {0};
    dump(fd, AF_INET6, &v6);
    CHECK(v6.local_v6 && !v6.local_v4_net && !v6.other_family);
    close(fd);
    printf("netlink_routes: ok\n");
    return 0;
}
