#pragma once

#include <string>

namespace asterix::services {

/// /proc/net/dev: the interfaces and their counters (lo only; the counters are not kept yet).
std::string proc_net_dev_text();
/// /proc/net/tcp, tcp6, udp, udp6 in Linux's format (uid and inode are 0: the stack does not
/// know which socket file owns an endpoint).
std::string proc_net_tcp_text(bool is_v6);
std::string proc_net_udp_text(bool is_v6);

} // namespace asterix::services
