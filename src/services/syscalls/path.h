#pragma once

#include <string>

#include "services/syscalls/context.h"

namespace asterix::services {

/// The absolute guest path of `path` as seen from `dirfd` (AT_FDCWD: the working directory).
// FIXME: until the VFS exists, only AT_FDCWD can anchor a relative path.
Result<std::string> absolute_path(Context& ctx, int dirfd, const std::string& path);

} // namespace asterix::services
