#pragma once

#include <string>

namespace asterix::services {

/// /proc/sysvipc/shm in Linux's format (what ipcs reads).
std::string sysvipc_shm_text();

} // namespace asterix::services
