#pragma once

#include "services/process/process.h"

namespace asterix::services {

/// RLIMIT_CPU, checked after the process's CPU time grew (at least once a timer tick while it
/// runs): SIGXCPU when it reaches the soft limit, and again each second past it (Linux raises
/// the soft limit by a second each time, which getrlimit shows), SIGKILL at the hard limit.
void check_cpu_limit(Process& process);

} // namespace asterix::services
