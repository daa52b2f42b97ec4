#pragma once

#include "services/process/process.h"

namespace asterix::services {

/// Wakes up to `count` waiters of the futex at `addr` in the process's memory (FUTEX_WAKE
/// without the private flag, as the kernel itself wakes on thread exit).
u32 futex_wake(Process& process, u64 addr, u32 count);

} // namespace asterix::services
