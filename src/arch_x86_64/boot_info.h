#pragma once

#include "frame/types.h"

namespace asterix::arch_x86_64 {

/// What the boot loader told the kernel about memory: usable RAM above 1 MiB ends here.
extern u64 g_memory_top;
/// The end of what the loader put after the kernel (the boot modules); frames start above it.
extern u64 g_reserved_end;

/// The first byte after the kernel image and its bss (the linker's _bss_end).
u64 kernel_end();

/// The physical address of page frame `pfn` of the frame allocator's memory.
u64 frame_physical(u64 pfn);

} // namespace asterix::arch_x86_64
