#pragma once

// Linux's limits (uapi linux/limits.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int ngroups_max = 65536;
inline constexpr usize name_max = 255;
inline constexpr int path_max = 4096;

} // namespace asterix::services::abi
