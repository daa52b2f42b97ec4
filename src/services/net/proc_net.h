#pragma once

#include <string>

namespace asterix::services {

/// /proc/net/dev: the interfaces and their counters (the counters are not kept yet: all 0).
std::string proc_net_dev_text();
/// /proc/net/if_inet6: each IPv6 address with its interface, prefix, scope and flags (what
/// net-tools' ifconfig reads for inet6 lines).
std::string proc_net_if_inet6_text();
/// /proc/net/tcp, tcp6, udp, udp6 in Linux's format (uid and inode are 0: the stack does not
/// know which socket file owns an endpoint).
std::string proc_net_tcp_text(bool is_v6);
std::string proc_net_udp_text(bool is_v6);

} // namespace asterix::services
