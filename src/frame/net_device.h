#pragma once

#include <array>
#include <span>
#include <vector>

#include "frame/result.h"
#include "frame/types.h"

// The network device: Ethernet frames in and out. Hosted, it is a user-mode NAT in a confined
// host process of its own (--net=user); bare metal has none yet. The services' TCP/IP stack
// sends frames, and takes received ones when the receive hook runs: the device's interrupt,
// delivered at a safe point in the scheduler's context, never inside a stack call.
namespace asterix::frame::net_device {

using MacAddress = std::array<u8, 6>;

/// Whether the instance has a network device (false: loopback only).
bool is_present();
/// The device's own MAC address. Precondition: is_present().
MacAddress mac_address();
/// The largest frame payload (the IP packet) the device carries.
usize mtu_bytes();
/// Sends one Ethernet frame (destination MAC first, no checksum). A device that is busy drops
/// the frame (ENOBUFS), as a full transmit ring does: TCP sends it again.
Result<void> send(std::span<const u8> frame);
/// Takes one received frame into `frame`; false when none is waiting.
bool receive(std::vector<u8>& frame);
/// Called at a safe point, in the scheduler's context, when frames are waiting. Without a hook
/// the frames are dropped, as a device without a driver would.
void set_receive_hook(void (*hook)());

} // namespace asterix::frame::net_device
