#pragma once

// Linux's timerfd ABI (uapi linux/timerfd.h, linux/time.h): timerfd_create's flags, the clocks
// only timers take, timerfd_settime's flags and struct itimerspec.

#include "frame/types.h"
#include "services/abi/time.h"

namespace asterix::services::abi {

inline constexpr u32 tfd_cloexec = 02000000;
inline constexpr u32 tfd_nonblock = 04000;

inline constexpr int tfd_timer_abstime = 1;
inline constexpr int tfd_timer_cancel_on_set = 2;


struct ITimerSpec {
    Timespec interval;
    Timespec value;
};

} // namespace asterix::services::abi
