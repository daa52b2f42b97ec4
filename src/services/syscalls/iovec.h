#pragma once

#include <vector>

#include "services/abi/uio.h"
#include "services/syscalls/context.h"

namespace asterix::services {

using abi::max_rw_count, abi::iov_max;

/// Reads and checks an iovec array (readv(2): EINVAL for a bad count or a total over
/// SSIZE_MAX, EFAULT for a bad array). Segments are trimmed so the total stays <= MAX_RW_COUNT.
Result<std::vector<abi::IoVec>> read_iovecs(Context& ctx, UserPtr<abi::IoVec> iov, int iovcnt);

} // namespace asterix::services
