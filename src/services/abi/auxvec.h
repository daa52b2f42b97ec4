#pragma once

// The auxiliary vector's entry types (uapi linux/auxvec.h, asm/auxvec.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr u64 at_null = 0;
inline constexpr u64 at_phdr = 3;
inline constexpr u64 at_phent = 4;
inline constexpr u64 at_phnum = 5;
inline constexpr u64 at_pagesz = 6;
inline constexpr u64 at_base = 7;
inline constexpr u64 at_flags = 8;
inline constexpr u64 at_entry = 9;
inline constexpr u64 at_uid = 11;
inline constexpr u64 at_euid = 12;
inline constexpr u64 at_gid = 13;
inline constexpr u64 at_egid = 14;
inline constexpr u64 at_platform = 15;
inline constexpr u64 at_hwcap = 16;
inline constexpr u64 at_clktck = 17;
inline constexpr u64 at_secure = 23;
inline constexpr u64 at_random = 25;
inline constexpr u64 at_hwcap2 = 26;
inline constexpr u64 at_execfn = 31;
inline constexpr u64 at_sysinfo_ehdr = 33;

} // namespace asterix::services::abi
