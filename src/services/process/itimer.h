#pragma once

#include "services/process/process.h"

namespace asterix::services {

/// ITIMER_REAL of a process (alarm, setitimer): SIGALRM when it expires, then every interval.
struct RealTimer {
    u64 deadline_ns {0}; ///< monotonic; 0 when disarmed
    u64 interval_ns {0};
};

/// Arms (or with 0 disarms) the process's real timer; returns what it was.
RealTimer set_real_timer(Process& process, u64 value_ns, u64 interval_ns);
RealTimer get_real_timer(Process& process);
/// Forgets the timer of a process that is gone.
void drop_real_timer(Process& process);

/// ITIMER_VIRTUAL (user time) or ITIMER_PROF (user and system time), by its setitimer number.
/// Arms it to expire after `value_ns` more CPU time (0 disarms), then every `interval_ns`;
/// returns what was left of it and its interval.
Process::CpuTimer set_cpu_timer(Process& process, int which, u64 value_ns, u64 interval_ns);
/// What is left of the timer (deadline_ns holds the CPU time still to run) and its interval.
Process::CpuTimer get_cpu_timer(Process& process, int which);
/// Sends SIGVTALRM or SIGPROF for CPU timers the process's time has reached (called after
/// each stretch of the thread's CPU time is counted).
void check_cpu_timers(Process& process);

} // namespace asterix::services
