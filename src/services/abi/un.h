#pragma once

// Linux's AF_UNIX address (uapi linux/un.h).

#include <array>

#include "frame/types.h"

namespace asterix::services::abi {

/// UNIX_PATH_MAX: sun_path's size.
inline constexpr u32 unix_path_max = 108;
/// offsetof(struct sockaddr_un, sun_path): an address this long names nothing (autobind).
inline constexpr u32 sun_path_offset = 2;

struct SockAddrUn {
    u16 family;
    std::array<char, unix_path_max> path;
};

} // namespace asterix::services::abi
