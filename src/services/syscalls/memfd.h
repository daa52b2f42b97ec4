#pragma once

#include "services/fs/file.h"
#include "services/syscalls/context.h"

namespace asterix::services {

/// fcntl's F_GET_SEALS and F_ADD_SEALS on `file` (memfd_create(2), fcntl(2) "File Sealing").
Result<long> fcntl_seals(Context& ctx, File& file, int cmd, u64 arg);

/// Whether a MAP_SHARED mapping of `file` with `prot` is allowed by its seals (EPERM once
/// F_SEAL_WRITE or F_SEAL_FUTURE_WRITE is set and the mapping could write).
Result<void> check_seals_for_mapping(File& file, u8 prot);

} // namespace asterix::services
