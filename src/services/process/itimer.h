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

} // namespace asterix::services
