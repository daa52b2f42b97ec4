#pragma once

// Linux's signalfd ABI (uapi linux/signalfd.h): signalfd4's flags and struct signalfd_siginfo.

#include <array>

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr u32 sfd_cloexec = 02000000;
inline constexpr u32 sfd_nonblock = 04000;

/// What a read of a signalfd returns per signal: 128 bytes.
struct SignalfdSiginfo {
    u32 signo;
    i32 errno_value;
    i32 code;
    u32 pid;
    u32 uid;
    i32 fd;
    u32 tid;
    u32 band;
    u32 overrun;
    u32 trapno;
    i32 status;
    i32 int_value;
    u64 ptr;
    u64 utime;
    u64 stime;
    u64 addr;
    u16 addr_lsb;
    u16 pad2;
    i32 syscall;
    u64 call_addr;
    u32 arch;
    std::array<u8, 28> pad;
};
static_assert(sizeof(SignalfdSiginfo) == 128);

} // namespace asterix::services::abi
