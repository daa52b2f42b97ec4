// Physical memory on bare metal: the RAM the boot loader's memory map reports, above the kernel
// and the boot modules, in 2 MiB pieces mapped one after another (the holes left out) in the
// frame window, so that the frame allocator sees one contiguous span and a page frame number
// is an offset in it. The first GiB is also mapped at kernel_base (boot.S), for the kernel image,
// its heap and what the loader left there.

#include "arch_x86_64/boot_info.h"

#include <algorithm>
#include <new>

#include "frame/arch.h"
#include "frame/assert.h"
#include "frame/freestanding/heap.h"
#include "frame/phys_mem.h"

extern "C" char _bss_end[];
extern "C" asterix::u64 boot_pml4[512];

namespace asterix::arch_x86_64 {

u64 g_memory_top = 0;
u64 g_reserved_end = 0;

namespace {
constexpr u64 large_page = 2ull << 20;
constexpr usize window_slot = 256; // PML4 slot of frame_window_base
constexpr usize heap_slot = 257;   // PML4 slot of the heap's region
constexpr u64 heap_region_base = 0xffff808000000000ull;
constexpr usize max_heap_gib = 1;  // what the heap may grow by, from frames
// The frame allocator's bookkeeping (a share count and, once freed, a free-list entry per frame)
// lives in the 96 MiB kernel heap: 8 GiB of frames keep it well inside.
constexpr usize max_window_gib = 8;
constexpr usize max_ranges = 32;
constexpr u64 pte_present = 1;
constexpr u64 pte_writable = 2;
constexpr u64 pte_large = 0x80;

/// A run of RAM in the window: `bytes` at `physical`, mapped at frame_window_base + `offset`.
struct WindowRange {
    u64 physical, offset, bytes;
};

RamRange g_ram[max_ranges];
usize g_ram_count = 0;
WindowRange g_window[max_ranges];
usize g_window_count = 0;

alignas(4096) u64 g_window_pdpt[512];
alignas(4096) u64 g_window_pds[max_window_gib][512];
alignas(4096) u64 g_heap_pdpt[512];
alignas(4096) u64 g_heap_pds[max_heap_gib][512];
constexpr usize max_heap_pages = (max_heap_gib << 30) / page_size;
constexpr usize max_heap_tables = max_heap_gib * 512;
u64 g_heap_tables[max_heap_tables]; // the physical address of each page table; 0: none yet
u64 g_heap_mapped = 0;              // bytes of the region backed so far
// The frames behind the heap's region, kept for good: handles moved into raw storage (zero,
// so in .bss) and never destroyed, so their frames are never freed.
alignas(frame::Frame) u8 g_kept_frames[sizeof(frame::Frame) * (max_heap_pages + max_heap_tables)];
usize g_kept_count = 0;

/// The physical address of a frame that now belongs to the heap for good.
u64 keep(frame::Frame frame)
{
    u64 physical = frame_physical(frame.pfn());
    // SAFETY: the slot is unused raw storage of the right size and alignment.
    new (g_kept_frames + g_kept_count++ * sizeof(frame::Frame)) frame::Frame(std::move(frame));
    return physical;
}

/// Backs the heap's region with frames up to `end` (4 KiB pages, page tables as needed).
bool map_heap_up_to(void* end)
{
    // SAFETY: `end` lies in the heap's region (the heap asks only for its own arena).
    u64 wanted = page_round_up(reinterpret_cast<u64>(end) - heap_region_base);
    while (g_heap_mapped < wanted) {
        usize page = g_heap_mapped / page_size;
        usize table = page / 512;
        if (!g_heap_tables[table]) {
            auto frame = frame::Frame::alloc_zeroed();
            if (frame.is_error())
                return false;
            g_heap_tables[table] = keep(frame.release_value());
            g_heap_pds[table / 512][table % 512] = g_heap_tables[table] | pte_present | pte_writable;
        }
        auto frame = frame::Frame::alloc_zeroed();
        if (frame.is_error())
            return false;
        // SAFETY: the page table is a frame, which the frame window maps.
        auto* entries = reinterpret_cast<u64*>(frame_window_address(g_heap_tables[table]));
        entries[page % 512] = keep(frame.release_value()) | pte_present | pte_writable;
        g_heap_mapped += page_size;
    }
    return true;
}
} // namespace

void add_ram_range(u64 start, u64 end)
{
    start = std::max(start, u64 {1} << 20); // below 1 MiB: BIOS areas, left alone
    if (g_ram_count < max_ranges && end > start)
        g_ram[g_ram_count++] = {start, end};
}

u64 ram_bytes()
{
    u64 total = 0;
    for (usize i = 0; i < g_ram_count; ++i)
        total += g_ram[i].end - g_ram[i].start;
    return total;
}

usize frame_window_ranges() { return g_window_count; }

u64 frame_physical(u64 pfn)
{
    u64 offset = pfn * page_size;
    for (usize i = 0; i < g_window_count; ++i) {
        if (offset < g_window[i].offset + g_window[i].bytes)
            return g_window[i].physical + (offset - g_window[i].offset);
    }
    frame::panic("page frame %llu is outside the frame window", static_cast<unsigned long long>(pfn));
}

u8* frame_window_address(u64 physical)
{
    for (usize i = 0; i < g_window_count; ++i) {
        const auto& range = g_window[i];
        if (physical >= range.physical && physical < range.physical + range.bytes)
            // SAFETY: the window maps this range at this offset (init_phys_mem).
            return reinterpret_cast<u8*>(frame_window_base + range.offset + (physical - range.physical));
    }
    frame::panic("physical address %#llx is not in the frame window", static_cast<unsigned long long>(physical));
}

u64 kernel_end() { return to_physical(_bss_end); }

} // namespace asterix::arch_x86_64

namespace asterix::frame::arch {

using namespace arch_x86_64;

bool is_fresh_memory_zeroed() { return false; } // RAM holds whatever was there before boot

std::span<u8> init_phys_mem(u64 bytes)
{
    // The RAM above the kernel and the boot modules, in 2 MiB pieces.
    u64 reserved = std::max(kernel_end(), g_reserved_end);
    RamRange usable[max_ranges];
    usize usable_count = 0;
    for (usize i = 0; i < g_ram_count; ++i) {
        u64 start = (std::max(g_ram[i].start, reserved) + large_page - 1) & ~(large_page - 1);
        u64 end = g_ram[i].end & ~(large_page - 1);
        if (end > start)
            usable[usable_count++] = {start, end};
    }

    // Up to `bytes` of it is the frame window.
    u64 limit = std::min<u64>(page_round_down(bytes), max_window_gib << 30);
    u64 total = 0;
    for (usize i = 0; i < usable_count && total < limit; ++i) {
        u64 start = usable[i].start;
        u64 end = usable[i].end;
        if (end <= start)
            continue;
        u64 size = std::min(end - start, (limit - total + large_page - 1) & ~(large_page - 1));
        g_window[g_window_count++] = {start, total, size};
        for (u64 at = 0; at < size; at += large_page) {
            u64 offset = total + at;
            g_window_pds[offset >> 30][(offset >> 21) & 511] = (start + at) | pte_present | pte_writable | pte_large;
        }
        total += size;
    }
    for (usize gib = 0; gib < max_window_gib; ++gib)
        g_window_pdpt[gib] = to_physical(g_window_pds[gib]) | pte_present | pte_writable;
    // The window goes into the kernel's half of every address space (address_space.cpp). No
    // NX bits in these tables: EFER.NXE is not on yet.
    boot_pml4[window_slot] = to_physical(g_window_pdpt) | pte_present | pte_writable;
    // The heap grows into its own region from frames once its first arena is full.
    for (usize gib = 0; gib < max_heap_gib; ++gib)
        g_heap_pdpt[gib] = to_physical(g_heap_pds[gib]) | pte_present | pte_writable;
    boot_pml4[heap_slot] = to_physical(g_heap_pdpt) | pte_present | pte_writable;
    // SAFETY: the region is address space nothing else uses; map_heap_up_to backs it.
    frame::heap_add_arena(reinterpret_cast<void*>(heap_region_base), max_heap_gib << 30, map_heap_up_to);
    total = std::min(total, limit);
    // SAFETY: the window maps `total` bytes of RAM nothing else uses.
    return {reinterpret_cast<u8*>(frame_window_base), total};
}

} // namespace asterix::frame::arch
