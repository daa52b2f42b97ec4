#pragma once

#include "frame/types.h"

namespace asterix::services {

/// The Linux name of an x86-64 syscall number ("openat"), or nullptr when there is none.
const char* syscall_name(u64 number);

} // namespace asterix::services
