#pragma once

#include <span>

#include "frame/result.h"
#include "services/mm/memory_map.h"

namespace asterix::services {

/// Writes `src` at `addr` of a process's memory the way ptrace's POKEDATA and /proc/PID/mem do
/// (Linux's FOLL_FORCE): where the mapping lets the process write, as it would; where a private
/// mapping does not (program text), into a private copy of the page that keeps the mapping's
/// permissions, so that neither the page cache nor a fork sibling ever sees the write. A
/// shared mapping the process may not write, or no mapping, is EFAULT.
Result<void> write_forced(MemoryMap& memory, u64 addr, std::span<const u8> src);

} // namespace asterix::services
