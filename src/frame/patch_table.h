#pragma once

#include <optional>
#include <vector>

#include "frame/phys_mem.h"

namespace asterix::frame {

/// The trampoline table that patched syscall sites jump through (the hosted systrap platform:
/// host_arch/syscall_patch.h). Every process maps it read and execute at `addr`, which is
/// fixed: the patched code holds it. The same frames serve every process, since an entry
/// depends only on its site's address and syscall number.
struct PatchTablePages {
    u64 addr;
    std::vector<Frame> pages;
};

/// The table's pages, or nothing when the backend patches no syscall sites (bare metal, the
/// ptrace platform, --syscall-patching=off) or memory is short.
std::optional<PatchTablePages> patch_table_pages();

} // namespace asterix::frame
