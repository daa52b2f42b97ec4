#pragma once

// The frame's network device as an lwIP interface (Ethernet, ARP): 10.0.2.15/24 with the
// default route through the NAT's gateway 10.0.2.2, the numbering of slirp, QEMU and the hosted
// backend's passt. Internal to src/net_lwip.
namespace asterix::services::inet {

/// Adds the interface when the frame has a device, and makes it the default route. Received
/// frames go into lwIP from the device's receive hook, then `after_input` runs (the pump that
/// delivers what they caused and wakes sockets).
void start_ethernet_link(void (*after_input)());

} // namespace asterix::services::inet
