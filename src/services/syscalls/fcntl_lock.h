#pragma once

#include "services/fs/file.h"
#include "services/syscalls/context.h"

namespace asterix::services {

/// fcntl's record-lock commands on `file`: F_GETLK, F_SETLK, F_SETLKW and their
/// open-file-description forms F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW (fcntl(2) "Advisory
/// record locking", "Open file description locks").
Result<long> fcntl_lock(Context& ctx, File& file, int cmd, u64 arg);

} // namespace asterix::services
