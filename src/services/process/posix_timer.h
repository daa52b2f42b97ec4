#pragma once

#include <optional>

#include "frame/result.h"
#include "services/abi/posix_timer.h"
#include "services/abi/timerfd.h"

namespace asterix::services {

class Process;

/// A process's POSIX timers (timer_create(2)): each on a clock, signalling the process (or one
/// of its threads) at expiry, or nobody (SIGEV_NONE). Not inherited by fork; exec deletes them.
/// `is_realtime` picks the real-time clock; the others run on the monotonic one. Without an
/// event the timer sends SIGALRM with its id as the value (timer_create(2)).
Result<int> create_posix_timer(Process& process, bool is_realtime, const std::optional<abi::SigEvent>& event);
Result<void> delete_posix_timer(Process& process, int id);
/// timer_settime: returns the old setting.
Result<abi::ITimerSpec> set_posix_timer(Process& process, int id, const abi::ITimerSpec& spec, bool is_absolute);
Result<abi::ITimerSpec> get_posix_timer(Process& process, int id);
Result<int> posix_timer_overrun(Process& process, int id);
/// exec and exit: the process's timers go.
void drop_posix_timers(Process& process);

} // namespace asterix::services
