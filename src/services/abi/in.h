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
/// Multicast options (<linux/in.h>, <linux/in6.h>): IP_MULTICAST_IF through
/// IP_DROP_MEMBERSHIP, the source filters through IP_DROP_SOURCE_MEMBERSHIP, the
/// protocol-independent MCAST_JOIN_GROUP through MCAST_MSFILTER, IP_MULTICAST_ALL; at
/// IPPROTO_IPV6, IPV6_MULTICAST_IF through IPV6_DROP_MEMBERSHIP and IPV6_MULTICAST_ALL.
inline constexpr int ip_multicast_if = 32;
inline constexpr int ip_drop_source_membership = 40;
inline constexpr int mcast_join_group = 42;
inline constexpr int mcast_msfilter = 48;
inline constexpr int ip_multicast_all = 49;
inline constexpr int ip_add_membership = 35;
inline constexpr int ip_drop_membership = 36;
inline constexpr int ipv6_multicast_if = 17;
inline constexpr int ipv6_drop_membership = 21;
inline constexpr int ipv6_add_membership = 20;
inline constexpr int ipv6_multicast_all = 29;
// IPPROTO_TCP options.
inline constexpr int tcp_nodelay = 1;
inline constexpr int tcp_maxseg = 2;
inline constexpr int tcp_cork = 3;
inline constexpr int tcp_keepidle = 4;
inline constexpr int tcp_keepintvl = 5;
inline constexpr int tcp_keepcnt = 6;
inline constexpr int tcp_info = 11;
/// The longest TCP_KEEPIDLE and TCP_KEEPINTVL (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL) and
/// TCP_KEEPCNT (MAX_TCP_KEEPCNT) Linux takes.
inline constexpr int max_tcp_keepidle_s = 32767;
inline constexpr int max_tcp_keepintvl_s = 32767;
inline constexpr int max_tcp_keepcnt = 127;
/// The length of struct tcp_info's leading fields, through tcpi_total_retrans (what glibc's
/// <netinet/tcp.h> declares); Linux's own struct has grown past it.
inline constexpr usize tcp_info_bytes = 104;
/// Where struct tcp_info's fields are: eight u8 fields (state, ca_state, retransmits, probes,
/// backoff, options, the window scales, a flag byte), then u32 fields.
namespace tcp_info_offset {
inline constexpr usize state = 0;
inline constexpr usize retransmits = 2;
inline constexpr usize rto = 8;
inline constexpr usize snd_mss = 16;
inline constexpr usize rcv_mss = 20;
inline constexpr usize unacked = 24;
inline constexpr usize sacked = 28;
inline constexpr usize rtt = 68;
inline constexpr usize rttvar = 72;
inline constexpr usize snd_ssthresh = 76;
inline constexpr usize snd_cwnd = 80;
inline constexpr usize advmss = 84;
inline constexpr usize reordering = 88;
inline constexpr usize rcv_space = 96;
} // namespace tcp_info_offset
inline constexpr int tcp_quickack = 12;

} // namespace asterix::services::abi
