#pragma once

// Linux's resource ABI (uapi linux/resource.h, asm-generic/resource.h): resource limits,
// getrusage's targets and priorities, and their structures.

#include <array>

#include "frame/types.h"
#include "services/abi/time.h"

namespace asterix::services::abi {

// Resource limits, by RLIMIT_* number.
inline constexpr int rlimit_cpu = 0;
inline constexpr int rlimit_fsize = 1;
inline constexpr int rlimit_data = 2;
inline constexpr int rlimit_stack = 3;
inline constexpr int rlimit_core = 4;
inline constexpr int rlimit_rss = 5;
inline constexpr int rlimit_nproc = 6;
inline constexpr int rlimit_nofile = 7;
inline constexpr int rlimit_memlock = 8;
inline constexpr int rlimit_as = 9;
inline constexpr int rlimit_locks = 10;
inline constexpr int rlimit_sigpending = 11;
inline constexpr int rlimit_msgqueue = 12;
inline constexpr int rlimit_nice = 13;
inline constexpr int rlimit_rtprio = 14;
inline constexpr int rlimit_rttime = 15;
inline constexpr int rlimit_count = 16;
inline constexpr u64 rlim_infinity = ~0ull;

// getrusage(2) targets.
inline constexpr int rusage_self = 0;
inline constexpr int rusage_children = -1;
inline constexpr int rusage_thread = 1;

// getpriority(2) and setpriority(2) targets.
inline constexpr int prio_process = 0;
inline constexpr int prio_pgrp = 1;
inline constexpr int prio_user = 2;

struct Rlimit {
    u64 cur;
    u64 max;
};

struct Rusage {
    Timeval utime;
    Timeval stime;
    std::array<i64, 14> counters; ///< ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ...
};
/// Where ru_minflt is in Rusage::counters.
inline constexpr usize rusage_minflt_index = 4;
static_assert(sizeof(Rusage) == 144);

} // namespace asterix::services::abi
