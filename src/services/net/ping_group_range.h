#pragma once

#include <string>
#include <string_view>

#include "frame/result.h"
#include "frame/types.h"

namespace asterix::services {

class Credentials;

/// net.ipv4.ping_group_range (icmp(7)): the groups whose members may open ping sockets, for
/// IPv4 and IPv6 alike. An empty range (low above high) lets no group.
struct PingGroupRange {
    u32 low {1};
    u32 high {0};

    /// ping_init_sock: the effective group or a supplementary one is in the range. No
    /// capability overrides it, not even root's.
    bool admits(const Credentials& credentials) const;
    /// The sysctl's text, "LOW\tHIGH\n".
    std::string text() const;
    /// What writing `text` to the sysctl makes of this range, as ipv4_ping_group_range does:
    /// one or two numbers up to 2^32-2 (EINVAL otherwise; more are ignored, a lone one sets
    /// only the low end, nothing changes nothing), and a high below the low empties it ({1, 0}).
    Result<PingGroupRange> written(std::string_view text) const;
};

/// The instance's range, set at boot from frame::BootParams.
PingGroupRange& ping_group_range();

} // namespace asterix::services
