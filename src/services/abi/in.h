#pragma once

#include "frame/types.h"

// <linux/in.h>, <linux/in6.h>, <linux/tcp.h>: AF_INET and AF_INET6 addresses and options.
namespace asterix::services::abi {

inline constexpr int ipproto_ip = 0;
inline constexpr int ipproto_icmp = 1;
inline constexpr int ipproto_tcp = 6;
inline constexpr int ipproto_udp = 17;
inline constexpr int ipproto_ipv6 = 41;
inline constexpr int ipproto_icmpv6 = 58;

/// sizeof(struct sockaddr_in) and sizeof(struct sockaddr_in6); SIN6_LEN_RFC2133 is the shortest
/// sockaddr_in6 Linux takes (without sin6_scope_id).
inline constexpr u32 sockaddr_in_bytes = 16;
inline constexpr u32 sockaddr_in6_bytes = 28;
inline constexpr u32 sin6_len_rfc2133 = 24;

// IPPROTO_IP options.
inline constexpr int ip_tos = 1;
inline constexpr int ip_ttl = 2;
inline constexpr int ip_retopts = 7;
inline constexpr int ip_recverr = 11;
inline constexpr int ip_recvttl = 12;
// IPPROTO_IPV6 options.
inline constexpr int ipv6_unicast_hops = 16;
inline constexpr int ipv6_recverr = 25;
inline constexpr int ipv6_recvhoplimit = 51;
inline constexpr int ipv6_v6only = 26;
inline constexpr int ipv6_tclass = 67;
// IPPROTO_TCP options.
inline constexpr int tcp_nodelay = 1;
inline constexpr int tcp_maxseg = 2;
inline constexpr int tcp_cork = 3;
inline constexpr int tcp_keepidle = 4;
inline constexpr int tcp_keepintvl = 5;
inline constexpr int tcp_keepcnt = 6;
inline constexpr int tcp_quickack = 12;

} // namespace asterix::services::abi
