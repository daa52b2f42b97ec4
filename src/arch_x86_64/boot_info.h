#pragma once

#include "frame/types.h"

namespace asterix::arch_x86_64 {

/// What the boot loader told the kernel about memory: usable RAM above 1 MiB ends here.
extern u64 g_memory_top;
/// The end of what the loader put after the kernel (the boot modules); frames start above it.
extern u64 g_reserved_end;

/// The kernel runs in the top 2 GiB: the first GiB of physical memory is mapped at
/// kernel_base + physical address (boot.S, kernel.ld). That is the direct map of the kernel
/// image, its heap and the loader's data; the frames live in the frame window below.
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

/// Usable RAM from the boot loader's memory map; main.cpp adds it before init_phys_mem.
struct RamRange {
    u64 start, end;
};
void add_ram_range(u64 start, u64 end);
/// The RAM above 1 MiB that the loader reported.
u64 ram_bytes();
/// How many runs of RAM the frame window holds.
usize frame_window_ranges();

/// The frame window (PML4 slot 256): the frame allocator's memory, all RAM above the kernel
/// and the boot modules (up to 8 GiB), mapped in one contiguous run without the holes.
inline constexpr u64 frame_window_base = 0xffff800000000000ull;

/// The physical address of page frame `pfn` of the frame allocator's memory.
u64 frame_physical(u64 pfn);
/// Where the frame window maps physical address `physical` (a frame's).
u8* frame_window_address(u64 physical);

} // namespace asterix::arch_x86_64
