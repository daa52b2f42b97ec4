#pragma once

#include "frame/types.h"

namespace asterix::services {

/// Wakes up to `count` waiters of the futex at `addr` in the address space `space`.
u32 futex_wake(const void* space, u64 addr, u32 count);

} // namespace asterix::services
