#pragma once

#include "frame/types.h"

namespace asterix::arch_x86_64 {

/// What the boot loader told the kernel about memory: usable RAM above 1 MiB ends here.
extern u64 g_memory_top;
/// The end of what the loader put after the kernel (the boot modules); frames start above it.
extern u64 g_reserved_end;

/// The kernel runs in the top 2 GiB: the first GiB of physical memory is mapped at
/// kernel_base + physical address (boot.S, kernel.ld). That is the direct map.
inline constexpr u64 kernel_base = 0xffffffff80000000ull;
inline constexpr u64 direct_map_bytes = 1ull << 30;

/// The direct-map address of physical address `physical` (below direct_map_bytes).
template<typename T>
T* from_physical(u64 physical)
{
    // SAFETY: the direct map covers the first GiB; callers pass addresses inside it.
    return reinterpret_cast<T*>(kernel_base + physical);
}
/// The physical address behind a direct-map (or kernel image) address.
inline u64 to_physical(const void* address) { return reinterpret_cast<u64>(address) - kernel_base; }

/// The physical address of the first byte after the kernel image and its bss.
u64 kernel_end();

/// The physical address of page frame `pfn` of the frame allocator's memory.
u64 frame_physical(u64 pfn);

} // namespace asterix::arch_x86_64
