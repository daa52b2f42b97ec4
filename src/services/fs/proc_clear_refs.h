#pragma once

#include "services/fs/file.h"

namespace asterix::services {

/// An open /proc/PID/clear_refs (proc(5)): writing 1, 2 or 3 clears the referenced bits
/// (nothing to clear: the memory map keeps none), 4 the soft-dirty bits that
/// /proc/PID/pagemap shows as bit 55, and 5 resets the peak RSS (not kept either).
Ref<File> open_clear_refs(Ref<Dentry> dentry, u32 flags, i32 pid);

} // namespace asterix::services
