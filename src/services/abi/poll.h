#pragma once

// Linux's poll ABI (uapi asm-generic/poll.h): event bits and struct pollfd.

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr i16 pollin = 0x1;
inline constexpr i16 pollpri = 0x2;
inline constexpr i16 pollout = 0x4;
inline constexpr i16 pollerr = 0x8;
inline constexpr i16 pollhup = 0x10;
inline constexpr i16 pollnval = 0x20;
inline constexpr i16 pollrdnorm = 0x40;
inline constexpr i16 pollwrnorm = 0x100;
inline constexpr i16 pollwrband = 0x200;
inline constexpr i16 pollrdhup = 0x2000;

struct PollFd {
    i32 fd;
    i16 events;
    i16 revents;
};

} // namespace asterix::services::abi
