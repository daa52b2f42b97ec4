#pragma once

// File system magic numbers, as statfs(2) reports them (uapi linux/magic.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr u64 tmpfs_magic = 0x01021994;
inline constexpr u64 mqueue_magic = 0x19800202;
inline constexpr u64 proc_super_magic = 0x9fa0;
inline constexpr u64 pipefs_magic = 0x50495045;
inline constexpr u64 sysfs_magic = 0x62656572;

} // namespace asterix::services::abi
