#pragma once

// What the adapter's files share: lwip_stack.cpp owns lwIP's global state (its start, timers
// and loopback delivery); the other adapter files (lwip_ping.cpp) reach it through these.
#include "lwip/ip_addr.h"
#include "services/net/inet_stack.h"

namespace asterix::services::inet::glue {

/// Starts lwIP on first use.
void start_stack();
/// Delivers every packet queued on the loopback interface, then wakes pollers.
void deliver_packets();
ip_addr_t ip_of(const Endpoint& endpoint);
Endpoint endpoint_of(const ip_addr_t& ip, u16 port);
/// The address to bind: "any" of the endpoint's kind, or the endpoint's own address.
ip_addr_t bind_address_of(const Endpoint& local, Family family);

} // namespace asterix::services::inet::glue
