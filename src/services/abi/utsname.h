#pragma once

// uname(2) and sysinfo(2) structures (uapi linux/utsname.h, linux/sysinfo.h).

#include <array>

#include "frame/types.h"

namespace asterix::services::abi {

struct Utsname {
    std::array<char, 65> sysname, nodename, release, version, machine, domainname;
};

struct SysInfo {
    i64 uptime;
    std::array<u64, 3> loads;
    u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    u16 procs;
    u16 pad;
    u32 pad2;
    u64 totalhigh, freehigh;
    u32 mem_unit;
    std::array<u8, 4> reserved;
};
static_assert(sizeof(SysInfo) == 112);

} // namespace asterix::services::abi
