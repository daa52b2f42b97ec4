#pragma once

// getrandom(2) flags (uapi linux/random.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr u32 grnd_nonblock = 1;
inline constexpr u32 grnd_random = 2;
inline constexpr u32 grnd_insecure = 4;

} // namespace asterix::services::abi
