#pragma once

// Linux's POSIX timer ABI (uapi asm-generic/siginfo.h, linux/time.h): struct sigevent and how
// a timer notifies.

#include <array>

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int sigev_signal = 0;
inline constexpr int sigev_none = 1;
inline constexpr int sigev_thread = 2;
inline constexpr int sigev_thread_id = 4;

/// struct sigevent: 64 bytes; the union after the notify word holds the thread id.
struct SigEvent {
    u64 value;
    i32 signo;
    i32 notify;
    i32 thread_id;
    std::array<i32, 11> pad;
};
static_assert(sizeof(SigEvent) == 64);

} // namespace asterix::services::abi
