#pragma once

#include <array>
#include <string>
#include <vector>

#include "frame/result.h"
#include "services/abi/auxvec.h"

namespace asterix::services {

// Auxiliary vector types, from services/abi/auxvec.h.
using abi::at_null, abi::at_phdr, abi::at_phent, abi::at_phnum, abi::at_pagesz, abi::at_base, abi::at_flags,
    abi::at_entry, abi::at_uid, abi::at_euid, abi::at_gid, abi::at_egid, abi::at_platform, abi::at_hwcap,
    abi::at_clktck, abi::at_secure, abi::at_random, abi::at_hwcap2, abi::at_execfn, abi::at_sysinfo_ehdr;

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
