/* The interfaces as netdevice(7)'s ioctls, getifaddrs(3) (NETLINK_ROUTE) and /proc/net/dev
 * describe them agree: for each interface the index, name, flags, MTU, hardware address and
 * IPv4 address, netmask and broadcast are the same every way they are asked; SIOCGIFCONF
 * lists exactly the IPv4 addresses, only whole entries, and with a null buffer the length
 * they need; lo is index 1 with Linux's flags, MTU and ARPHRD_LOOPBACK. Errors: ENODEV for an
 * unknown name or index, EADDRNOTAVAIL for an interface without an IPv4 address, ENOTTY for
 * the address ioctls on a socket that is not AF_INET. A single RTM_GETLINK finds one link by
 * name or index (ENODEV for a missing one, EINVAL when it names none). Runs with --net=user, so asterix has its
 * device's interface (eth0); natively the host's interfaces are checked the same way. */
// asterix-args: --net=user
// bare-metal: skip
#include "check.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int inet_fd;

static struct ifreq request(const char *name)
{
    struct ifreq req;
    memset(&req, 0, sizeof req);
    snprintf(req.ifr_name, sizeof req.ifr_name, "%s", name);
    return req;
}

static in_addr_t address_ioctl(unsigned long which, const char *name)
{
    struct ifreq req = request(name);
    CHECK(ioctl(inet_fd, which, &req) == 0);
    CHECK(req.ifr_addr.sa_family == AF_INET);
    return ((struct sockaddr_in *)&req.ifr_addr)->sin_addr.s_addr;
}

/* One AF_PACKET entry of getifaddrs (one per interface): everything the ioctls say of it. */
static void check_link(struct ifaddrs *link, struct ifaddrs *list, const char *proc_dev)
{
    const char *name = link->ifa_name;
    struct sockaddr_ll *ll = (struct sockaddr_ll *)link->ifa_addr;
    struct ifreq req = request(name);
    CHECK(ioctl(inet_fd, SIOCGIFINDEX, &req) == 0);
    CHECK(req.ifr_ifindex == ll->sll_ifindex);
    CHECK(if_nametoindex(name) == (unsigned)ll->sll_ifindex);
    memset(&req, 0, sizeof req);
    req.ifr_ifindex = ll->sll_ifindex;
    CHECK(ioctl(inet_fd, SIOCGIFNAME, &req) == 0 && strcmp(req.ifr_name, name) == 0);

    req = request(name);
    CHECK(ioctl(inet_fd, SIOCGIFFLAGS, &req) == 0);
    CHECK((unsigned short)req.ifr_flags == (link->ifa_flags & 0xffff));
    req = request(name);
    CHECK(ioctl(inet_fd, SIOCGIFMTU, &req) == 0 && req.ifr_mtu >= 68);
    req = request(name);
    CHECK(ioctl(inet_fd, SIOCGIFHWADDR, &req) == 0);
    CHECK(req.ifr_hwaddr.sa_family == ll->sll_hatype);
    CHECK(ll->sll_halen == 6 && memcmp(req.ifr_hwaddr.sa_data, ll->sll_addr, 6) == 0);

    /* The IPv4 address, if the interface has one (getifaddrs names it after the label). */
    struct ifaddrs *v4 = NULL;
    for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
        if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET && strcmp(ifa->ifa_name, name) == 0)
            v4 = ifa;
    }
    if (v4) {
        CHECK(address_ioctl(SIOCGIFADDR, name) == ((struct sockaddr_in *)v4->ifa_addr)->sin_addr.s_addr);
        in_addr_t mask = address_ioctl(SIOCGIFNETMASK, name);
        CHECK(mask == ((struct sockaddr_in *)v4->ifa_netmask)->sin_addr.s_addr);
        in_addr_t broadcast = address_ioctl(SIOCGIFBRDADDR, name);
        if (link->ifa_flags & IFF_BROADCAST) {
            CHECK(v4->ifa_broadaddr);
            CHECK(broadcast == ((struct sockaddr_in *)v4->ifa_broadaddr)->sin_addr.s_addr);
            CHECK(broadcast == (address_ioctl(SIOCGIFADDR, name) | ~mask));
        }
    } else {
        req = request(name);
        CHECK_ERR(ioctl(inet_fd, SIOCGIFADDR, &req), EADDRNOTAVAIL);
    }

    /* /proc/net/dev has a line for it. */
    char label[IFNAMSIZ + 2];
    snprintf(label, sizeof label, "%s:", name);
    int is_listed = 0;
    for (const char *line = proc_dev; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        while (*line == ' ')
            line++;
        if (strncmp(line, label, strlen(label)) == 0)
            is_listed = 1;
    }
    CHECK(is_listed);
}

/* One RTM_GETLINK (not a dump) naming `name` (none: NULL) and index `index`: the answer's
 * index, or minus the errno of its NLMSG_ERROR. */
static int get_link(const char *name, int index)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(fd >= 0);
    struct {
        struct nlmsghdr header;
        struct ifinfomsg info;
        char attributes[32];
    } request;
    memset(&request, 0, sizeof request);
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof request.info);
    request.header.nlmsg_type = RTM_GETLINK;
    request.header.nlmsg_flags = NLM_F_REQUEST;
    request.header.nlmsg_seq = 7;
    request.info.ifi_index = index;
    if (name) {
        struct rtattr *attribute = (struct rtattr *)((char *)&request + NLMSG_ALIGN(request.header.nlmsg_len));
        attribute->rta_type = IFLA_IFNAME;
        attribute->rta_len = RTA_LENGTH(strlen(name) + 1);
        memcpy(RTA_DATA(attribute), name, strlen(name) + 1);
        request.header.nlmsg_len = NLMSG_ALIGN(request.header.nlmsg_len) + RTA_ALIGN(attribute->rta_len);
    }
    CHECK(send(fd, &request, request.header.nlmsg_len, 0) == (ssize_t)request.header.nlmsg_len);
    static char reply[16384];
    ssize_t got = recv(fd, reply, sizeof reply, 0);
    CHECK(got >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)));
    struct nlmsghdr *header = (struct nlmsghdr *)reply;
    CHECK(header->nlmsg_seq == 7);
    close(fd);
    if (header->nlmsg_type == NLMSG_ERROR)
        return ((struct nlmsgerr *)NLMSG_DATA(header))->error;
    CHECK(header->nlmsg_type == RTM_NEWLINK && !(header->nlmsg_flags & NLM_F_MULTI));
    return ((struct ifinfomsg *)NLMSG_DATA(header))->ifi_index;
}

int main(void)
{
    alarm(20);
    inet_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(inet_fd >= 0);

    static char proc_dev[16384];
    FILE *file = fopen("/proc/net/dev", "r");
    CHECK(file);
    size_t got = fread(proc_dev, 1, sizeof proc_dev - 1, file);
    proc_dev[got] = 0;
    fclose(file);
    CHECK(strncmp(proc_dev, "Inter-|   Receive", 17) == 0);

    struct ifaddrs *list;
    CHECK(getifaddrs(&list) == 0);
    int links = 0, v4_addresses = 0, has_lo = 0;
    for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
        if (!ifa->ifa_addr)
            continue;
        if (ifa->ifa_addr->sa_family == AF_INET)
            v4_addresses++;
        if (ifa->ifa_addr->sa_family != AF_PACKET)
            continue;
        check_link(ifa, list, proc_dev);
        links++;
        if (strcmp(ifa->ifa_name, "lo") == 0) {
            has_lo = 1;
            CHECK(((struct sockaddr_ll *)ifa->ifa_addr)->sll_ifindex == 1);
            CHECK(((struct sockaddr_ll *)ifa->ifa_addr)->sll_hatype == ARPHRD_LOOPBACK);
            CHECK((ifa->ifa_flags & 0xffff) == (IFF_UP | IFF_LOOPBACK | IFF_RUNNING));
            struct ifreq req = request("lo");
            CHECK(ioctl(inet_fd, SIOCGIFMTU, &req) == 0 && req.ifr_mtu == 65536);
            CHECK(address_ioctl(SIOCGIFADDR, "lo") == htonl(INADDR_LOOPBACK));
            CHECK(address_ioctl(SIOCGIFNETMASK, "lo") == htonl(0xff000000));
        }
    }
    CHECK(has_lo && links >= 1 && v4_addresses >= 1);

    /* SIOCGIFCONF: the IPv4 addresses in getifaddrs's order; a null buffer asks the length;
     * a buffer one byte short of all of them gets one entry fewer. */
    struct ifconf conf = {.ifc_len = 0, .ifc_buf = NULL};
    CHECK(ioctl(inet_fd, SIOCGIFCONF, &conf) == 0);
    CHECK(conf.ifc_len == v4_addresses * (int)sizeof(struct ifreq));
    struct ifreq entries[64];
    CHECK(v4_addresses <= 64);
    conf.ifc_len = sizeof entries;
    conf.ifc_req = entries;
    CHECK(ioctl(inet_fd, SIOCGIFCONF, &conf) == 0);
    CHECK(conf.ifc_len == v4_addresses * (int)sizeof(struct ifreq));
    int at = 0;
    for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
        if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET)
            continue;
        CHECK(strcmp(entries[at].ifr_name, ifa->ifa_name) == 0);
        CHECK(entries[at].ifr_addr.sa_family == AF_INET);
        CHECK(((struct sockaddr_in *)&entries[at].ifr_addr)->sin_addr.s_addr == ((struct sockaddr_in *)ifa->ifa_addr)->sin_addr.s_addr);
        at++;
    }
    conf.ifc_len = v4_addresses * (int)sizeof(struct ifreq) - 1;
    CHECK(ioctl(inet_fd, SIOCGIFCONF, &conf) == 0);
    CHECK(conf.ifc_len == (v4_addresses - 1) * (int)sizeof(struct ifreq));
    CHECK_ERR(ioctl(inet_fd, SIOCGIFCONF, BAD_PTR), EFAULT);
    freeifaddrs(list);

    /* One link by name or by index; ENODEV for a missing one, EINVAL when none is named. */
    CHECK(get_link("lo", 0) == 1);
    CHECK(get_link(NULL, 1) == 1);
    CHECK(get_link("nosuchif0", 0) == -ENODEV);
    CHECK(get_link(NULL, 99999) == -ENODEV);
    CHECK(get_link(NULL, 0) == -EINVAL);

    /* Errors. */
    struct ifreq req = request("nosuchif0");
    CHECK_ERR(ioctl(inet_fd, SIOCGIFFLAGS, &req), ENODEV);
    CHECK_ERR(ioctl(inet_fd, SIOCGIFADDR, &req), ENODEV);
    CHECK_ERR(ioctl(inet_fd, SIOCGIFMTU, &req), ENODEV);
    CHECK_ERR(ioctl(inet_fd, SIOCGIFHWADDR, &req), ENODEV);
    memset(&req, 0, sizeof req);
    req.ifr_ifindex = 99999;
    CHECK_ERR(ioctl(inet_fd, SIOCGIFNAME, &req), ENODEV);
    CHECK_ERR(ioctl(inet_fd, SIOCGIFINDEX, BAD_PTR), EFAULT);
    int others[] = {socket(AF_INET6, SOCK_DGRAM, 0), socket(AF_UNIX, SOCK_STREAM, 0)};
    for (int i = 0; i < 2; i++) {
        CHECK(others[i] >= 0);
        req = request("lo");
        CHECK_ERR(ioctl(others[i], SIOCGIFADDR, &req), ENOTTY);
        CHECK_ERR(ioctl(others[i], SIOCGIFNETMASK, &req), ENOTTY);
        CHECK(ioctl(others[i], SIOCGIFMTU, &req) == 0 && req.ifr_mtu == 65536);
        CHECK(ioctl(others[i], SIOCGIFCONF, &conf) == 0);
        close(others[i]);
    }
    printf("inet_interfaces: ok (%d interfaces, %d IPv4 addresses)\n", links, v4_addresses);
    return 0;
}
