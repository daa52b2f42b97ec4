#pragma once

// Linux's limits (uapi linux/limits.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int ngroups_max = 65536;
inline constexpr usize name_max = 255;
inline constexpr int path_max = 4096;
/// fs.nr_open's default: the most RLIMIT_NOFILE may be raised to.
inline constexpr u64 sysctl_nr_open = 1024 * 1024;

} // namespace asterix::services::abi
