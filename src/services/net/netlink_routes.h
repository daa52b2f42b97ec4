#pragma once

#include <vector>

#include "frame/types.h"

namespace asterix::services::netlink {

/// Appends an RTM_NEWROUTE message (struct rtmsg and its attributes, as fib_dump_info and
/// rt6_fill_node write them) for each of the stack's routes of `family` (AF_UNSPEC: all).
void put_routes(std::vector<u8>& out, int family, u32 seq, u32 port_id);

} // namespace asterix::services::netlink
