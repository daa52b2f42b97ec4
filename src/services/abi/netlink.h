#pragma once

#include "frame/types.h"

// <linux/netlink.h>, <linux/rtnetlink.h>, <linux/if_link.h>, <linux/if_addr.h>, <linux/if.h>:
// the NETLINK_ROUTE messages that describe interfaces and addresses.
namespace asterix::services::abi {

inline constexpr int netlink_route = 0;
/// sizeof(struct sockaddr_nl).
inline constexpr u32 sockaddr_nl_bytes = 12;
/// sizeof(struct nlmsghdr), sizeof(struct ifinfomsg), sizeof(struct ifaddrmsg).
inline constexpr u32 nlmsghdr_bytes = 16;
inline constexpr u32 ifinfomsg_bytes = 16;
inline constexpr u32 ifaddrmsg_bytes = 8;

inline constexpr u16 nlmsg_error = 2;
inline constexpr u16 nlmsg_done = 3;
inline constexpr u16 rtm_newlink = 16;
inline constexpr u16 rtm_getlink = 18;
inline constexpr u16 rtm_newaddr = 20;
inline constexpr u16 rtm_getaddr = 22;
inline constexpr u16 rtm_newroute = 24;
inline constexpr u16 rtm_getroute = 26;

inline constexpr u16 nlm_f_request = 0x1;
inline constexpr u16 nlm_f_multi = 0x2;
inline constexpr u16 nlm_f_ack = 0x4;
inline constexpr u16 nlm_f_dump = 0x300;

inline constexpr u16 ifla_address = 1;
inline constexpr u16 ifla_broadcast = 2;
inline constexpr u16 ifla_ifname = 3;
inline constexpr u16 ifla_mtu = 4;
inline constexpr u16 ifla_qdisc = 6;
inline constexpr u16 ifla_txqlen = 13;
inline constexpr u16 ifla_operstate = 16;
inline constexpr u16 ifla_linkmode = 17;
inline constexpr u16 ifla_group = 27;

inline constexpr u16 ifa_address = 1;
inline constexpr u16 ifa_local = 2;
inline constexpr u16 ifa_label = 3;
inline constexpr u16 ifa_broadcast = 4;
inline constexpr u16 ifa_cacheinfo = 6;
inline constexpr u16 ifa_flags = 8;
inline constexpr u8 ifa_f_permanent = 0x80;

/// sizeof(struct rtmsg).
inline constexpr u32 rtmsg_bytes = 12;
inline constexpr u16 rta_dst = 1;
inline constexpr u16 rta_oif = 4;
inline constexpr u16 rta_gateway = 5;
inline constexpr u16 rta_priority = 6;
inline constexpr u16 rta_prefsrc = 7;
inline constexpr u16 rta_table = 15;
inline constexpr u16 rta_pref = 20;
inline constexpr u8 rt_table_main = 254;
inline constexpr u8 rt_table_local = 255;
inline constexpr u8 rtprot_kernel = 2;
inline constexpr u8 rtprot_boot = 3;
inline constexpr u8 rt_scope_universe = 0;
inline constexpr u8 rt_scope_link = 253;
inline constexpr u8 rtn_unicast = 1;
inline constexpr u8 rtn_local = 2;
inline constexpr u8 rtn_broadcast = 3;
/// ICMPV6_ROUTER_PREF_MEDIUM, what Linux gives its own IPv6 routes.
inline constexpr u8 icmpv6_router_pref_medium = 0;

/// Socket options at SOL_NETLINK.
inline constexpr int sol_netlink = 270;
inline constexpr int netlink_add_membership = 1;
inline constexpr int netlink_drop_membership = 2;
inline constexpr int netlink_pktinfo = 3;
inline constexpr int netlink_broadcast_error = 4;
inline constexpr int netlink_no_enobufs = 5;
inline constexpr int netlink_listen_all_nsid = 8;
inline constexpr int netlink_cap_ack = 10;
inline constexpr int netlink_ext_ack = 11;
inline constexpr int netlink_get_strict_chk = 12;

inline constexpr u16 arphrd_ether = 1;
inline constexpr u16 arphrd_loopback = 772;
inline constexpr u32 iff_up = 0x1;
inline constexpr u32 iff_broadcast = 0x2;
inline constexpr u32 iff_loopback = 0x8;
inline constexpr u32 iff_running = 0x40;
inline constexpr u32 iff_multicast = 0x1000;
inline constexpr u32 iff_lower_up = 0x10000;
inline constexpr u8 rt_scope_host = 254;
/// IF_OPER_UNKNOWN, which Linux reports for lo.
inline constexpr u8 if_oper_unknown = 0;
inline constexpr u8 if_oper_down = 2;
inline constexpr u8 if_oper_up = 6;

} // namespace asterix::services::abi
