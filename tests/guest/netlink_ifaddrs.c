/* getifaddrs(3) over NETLINK_ROUTE: the loopback interface "lo" is up with 127.0.0.1/8 and
 * ::1/128; an unknown request gets an NLMSG_ERROR; if_nametoindex(3) and if_indextoname(3)
 * (the SIOCGIFINDEX and SIOCGIFNAME ioctls) know lo. (Other interfaces may exist natively.) */
#include "check.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
    alarm(20);
    struct ifaddrs *list;
    CHECK(getifaddrs(&list) == 0);
    int has_v4 = 0, has_v6 = 0;
    for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
        if (strcmp(ifa->ifa_name, "lo") != 0 || !ifa->ifa_addr)
            continue;
        CHECK(ifa->ifa_flags & IFF_UP);
        CHECK(ifa->ifa_flags & IFF_LOOPBACK);
        if (ifa->ifa_addr->sa_family == AF_INET) {
            struct sockaddr_in *in = (struct sockaddr_in *)ifa->ifa_addr;
            struct sockaddr_in *mask = (struct sockaddr_in *)ifa->ifa_netmask;
            CHECK(in->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
            CHECK(mask && mask->sin_addr.s_addr == htonl(0xff000000));
            has_v4 = 1;
        } else if (ifa->ifa_addr->sa_family == AF_INET6) {
            CHECK(IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr));
            has_v6 = 1;
        }
    }
    freeifaddrs(list);
    CHECK(has_v4 && has_v6);
    unsigned index = if_nametoindex("lo");
    CHECK(index > 0);
    char name[IF_NAMESIZE];
    CHECK(if_indextoname(index, name) && strcmp(name, "lo") == 0);
    CHECK(if_nametoindex("nosuchif0") == 0 && errno == ENODEV);

    /* A request the kernel does not know: NLMSG_ERROR with the request's sequence number. */
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(fd >= 0);
    struct sockaddr_nl self = {.nl_family = AF_NETLINK};
    CHECK(bind(fd, (struct sockaddr *)&self, sizeof self) == 0);
    socklen_t len = sizeof self;
    CHECK(getsockname(fd, (struct sockaddr *)&self, &len) == 0 && len == sizeof self && self.nl_pid != 0);
    struct {
        struct nlmsghdr header;
        struct rtgenmsg gen;
    } request = {{.nlmsg_len = sizeof request, .nlmsg_type = 0x7ff0, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 77},
                 {.rtgen_family = AF_UNSPEC}};
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    CHECK(sendto(fd, &request, sizeof request, 0, (struct sockaddr *)&kernel, sizeof kernel) == sizeof request);
    char reply[4096];
    ssize_t n = recv(fd, reply, sizeof reply, 0);
    CHECK(n >= (ssize_t)(sizeof(struct nlmsghdr) + sizeof(struct nlmsgerr)));
    struct nlmsghdr *header = (struct nlmsghdr *)reply;
    CHECK(header->nlmsg_type == NLMSG_ERROR && header->nlmsg_seq == 77);
    struct nlmsgerr *error = NLMSG_DATA(header);
    CHECK(error->error < 0);
    CHECK_ERR(bind(fd, (struct sockaddr *)&self, 4), EINVAL);
    close(fd);
    CHECK_ERR(socket(AF_NETLINK, SOCK_RAW, 31), EPROTONOSUPPORT);
    printf("netlink_ifaddrs: ok\n");
    return 0;
}
