#pragma once

// memfd_create(2) flags (uapi linux/memfd.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr u32 mfd_cloexec = 0x1;
inline constexpr u32 mfd_allow_sealing = 0x2;
inline constexpr u32 mfd_hugetlb = 0x4;
inline constexpr u32 mfd_noexec_seal = 0x8;
inline constexpr u32 mfd_exec = 0x10;
/// The longest name: NAME_MAX less the "memfd:" prefix.
inline constexpr usize mfd_name_max = 249;

} // namespace asterix::services::abi
