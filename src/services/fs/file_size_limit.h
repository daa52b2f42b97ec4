#pragma once

#include "frame/result.h"
#include "frame/user_io.h"

namespace asterix::services {

/// RLIMIT_FSIZE of the calling process for a write of regular-file data at `offset`
/// (Linux's generic_write_check_limits): at or past the limit the caller gets SIGXFSZ and the
/// write fails with EFBIG; a write that would cross it is cut short at the limit.
Result<void> limit_write_to_file_size(u64 offset, frame::UserReader& in);

/// RLIMIT_FSIZE for a file growing to `new_size` bytes (truncate, fallocate; Linux's
/// inode_newsize_ok): past the limit, SIGXFSZ and EFBIG.
Result<void> check_file_size_limit(u64 new_size);

} // namespace asterix::services
