#pragma once

// Linux's vectored-I/O ABI (uapi linux/uio.h, linux/fs.h): struct iovec, its limit, and the
// per-call RWF_* flags of preadv2/pwritev2.

#include "frame/types.h"

namespace asterix::services::abi {

/// UIO_MAXIOV.
inline constexpr int iov_max = 1024;
/// MAX_RW_COUNT: the most one read or write moves.
inline constexpr u64 max_rw_count = 0x7ffff000;

inline constexpr int rwf_hipri = 0x01;
inline constexpr int rwf_dsync = 0x02;
inline constexpr int rwf_sync = 0x04;
inline constexpr int rwf_nowait = 0x08;
inline constexpr int rwf_append = 0x10;
/// The RWF_* flags Asterix accepts (and treats as hints).
inline constexpr int rwf_supported = rwf_hipri | rwf_dsync | rwf_sync | rwf_nowait | rwf_append;

struct IoVec {
    u64 base;
    u64 len;
};

} // namespace asterix::services::abi
