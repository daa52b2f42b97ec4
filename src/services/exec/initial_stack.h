#pragma once

#include <array>
#include <string>
#include <vector>

#include "frame/result.h"

namespace asterix::services {

// Auxiliary vector types (elf.h AT_*).
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

struct AuxEntry {
    u64 type;
    u64 value;
};

/// The initial stack of a new program: the bytes that go at [sp, top) and sp itself.
struct StackImage {
    u64 sp;
    std::vector<u8> bytes;
};

/// Lays out argc, argv, envp and the auxiliary vector as the x86-64 ABI wants them below `top`.
/// `auxv` comes without AT_RANDOM, AT_PLATFORM, AT_EXECFN and AT_NULL, which this adds.
/// E2BIG when the strings exceed `max_string_bytes`.
Result<StackImage> build_initial_stack(u64 top, const std::vector<std::string>& argv,
    const std::vector<std::string>& envp, const std::string& execfn, const std::array<u8, 16>& random,
    std::vector<AuxEntry> auxv, u64 max_string_bytes);

} // namespace asterix::services
