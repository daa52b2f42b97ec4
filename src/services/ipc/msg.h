#pragma once

#include <string>

namespace asterix::services {

/// /proc/sysvipc/msg in Linux's format (what ipcs reads).
std::string sysvipc_msg_text();

} // namespace asterix::services
