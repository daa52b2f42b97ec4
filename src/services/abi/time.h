#pragma once

// Linux's time ABI (uapi linux/time.h, linux/time_types.h, linux/times.h): clocks, timer
// flags, interval timers and the structures that carry times.

#include "frame/types.h"

namespace asterix::services::abi {

// Clock ids.
inline constexpr int clock_realtime = 0;
inline constexpr int clock_monotonic = 1;
inline constexpr int clock_process_cputime_id = 2;
inline constexpr int clock_thread_cputime_id = 3;
inline constexpr int clock_monotonic_raw = 4;
inline constexpr int clock_realtime_coarse = 5;
inline constexpr int clock_monotonic_coarse = 6;
inline constexpr int clock_boottime = 7;
inline constexpr int clock_realtime_alarm = 8;
inline constexpr int clock_boottime_alarm = 9;
inline constexpr int clock_tai = 11;

/// clock_nanosleep(2) and timer_settime(2): the time is absolute.
inline constexpr int timer_abstime = 1;

// setitimer(2) timers.
inline constexpr int itimer_real = 0;
inline constexpr int itimer_virtual = 1;
inline constexpr int itimer_prof = 2;

struct Timespec {
    i64 sec;
    i64 nsec;
};

struct Timeval {
    i64 sec;
    i64 usec;
};

struct ITimerVal {
    Timeval interval;
    Timeval value;
};

struct Tms {
    i64 utime, stime, cutime, cstime;
};

} // namespace asterix::services::abi
