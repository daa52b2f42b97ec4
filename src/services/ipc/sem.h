#pragma once

#include <string>

#include "frame/types.h"

namespace asterix::services {

/// /proc/sysvipc/sem in Linux's format (what ipcs reads).
std::string sysvipc_sem_text();
/// A process is gone: its SEM_UNDO adjustments are applied to the sets that still exist.
void sem_exit(i32 pid);

} // namespace asterix::services
