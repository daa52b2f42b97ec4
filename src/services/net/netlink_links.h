#pragma once

#include <vector>

#include "frame/types.h"

namespace asterix::services::netlink {

/// Appends an RTM_NEWLINK message (struct ifinfomsg and its attributes, as rtnl_fill_ifinfo
/// writes them) for each of the stack's interfaces; `index` 0 means all, another only that one
/// (false when there is none such). `flags` go into each message's header (NLM_F_MULTI in a dump).
bool put_links(std::vector<u8>& out, u32 index, u16 flags, u32 seq, u32 port_id);

/// Appends an RTM_NEWADDR message (struct ifaddrmsg and its attributes, as inet_fill_ifaddr and
/// inet6_fill_ifaddr write them) for each address of `family` (AF_UNSPEC: all), IPv4 first.
void put_addresses(std::vector<u8>& out, int family, u32 seq, u32 port_id);

} // namespace asterix::services::netlink
