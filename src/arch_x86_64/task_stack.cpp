// Kernel task stacks on bare metal: frames from the frame allocator, mapped in a region of their
// own (the top GiB, the kernel PDPT's last slot) with an unmapped guard page below each stack,
// so that an overflow faults instead of writing over other memory. The fault happens while the
// CPU pushes onto the dead stack, which makes it a double fault; that one runs on a stack of
// its own (the TSS's IST 1) and reports the overflow (interrupts.cpp). When frames or slots run
// out, can_alloc_task_stacks says so first and the services refuse the thread (EAGAIN).

#include "arch_x86_64/task_stack.h"

#include <vector>

#include "arch_x86_64/boot_info.h"
#include "frame/arch.h"
#include "frame/assert.h"
#include "frame/phys_mem.h"

extern "C" asterix::u64 boot_pdpt[512];

namespace asterix::arch_x86_64 {

namespace {
constexpr u64 stack_region = 0xffffffffc0000000ull; // PDPT slot 511
constexpr usize region_slot = 511;
constexpr usize max_stack_bytes = 256 * 1024;
constexpr u64 slot_bytes = max_stack_bytes + page_size; // the guard page, then the stack
constexpr usize max_stacks = (1ull << 30) / slot_bytes;  // what the GiB holds: 4032
constexpr u64 table_span = 2ull << 20;                   // what one page table maps
constexpr usize table_count = (max_stacks * slot_bytes + table_span - 1) / table_span;
constexpr u64 frame_reserve = 1024; // frames kept back so that a thread that got its stack can run
constexpr u64 pte_present = 1;
constexpr u64 pte_writable = 2;
constexpr u64 pte_no_execute = 1ull << 63;

alignas(4096) u64 g_directory[512];
alignas(4096) u64 g_tables[table_count][512];
std::vector<frame::Frame>* g_slots[max_stacks]; // the frames behind each slot in use
usize g_slots_in_use = 0;

u64& page_entry(u64 va)
{
    u64 page = (va - stack_region) / page_size;
    return g_tables[page / 512][page % 512];
}

void invalidate(u64 va) { asm volatile("invlpg (%0)" ::"r"(va) : "memory"); }
} // namespace

void init_task_stacks()
{
    for (usize i = 0; i < table_count; ++i)
        g_directory[i] = to_physical(g_tables[i]) | pte_present | pte_writable;
    // The PDPT is shared by every address space (PML4 slot 511), so the region is everywhere.
    boot_pdpt[region_slot] = to_physical(g_directory) | pte_present | pte_writable;
}

bool is_task_stack_guard(u64 address)
{
    return address >= stack_region && address < stack_region + max_stacks * slot_bytes
        && (address - stack_region) % slot_bytes < slot_bytes - max_stack_bytes;
}

} // namespace asterix::arch_x86_64

namespace asterix::frame::arch {

using namespace arch_x86_64;

bool can_alloc_task_stacks(usize count, usize bytes)
{
    return g_slots_in_use + count <= max_stacks && frame::free_frames() >= count * (bytes / page_size) + frame_reserve;
}

void* alloc_task_stack(usize bytes)
{
    AX_ASSERT(bytes <= max_stack_bytes && is_page_aligned(bytes));
    usize slot = 0;
    while (slot < max_stacks && g_slots[slot])
        ++slot;
    if (slot == max_stacks)
        panic("too many kernel tasks (%zu stacks)", max_stacks);
    auto* frames = new std::vector<frame::Frame>();
    u64 base = stack_region + (slot + 1) * slot_bytes - bytes; // the guard page is below
    for (u64 offset = 0; offset < bytes; offset += page_size) {
        auto frame = frame::Frame::alloc_zeroed();
        if (frame.is_error())
            panic("no memory for a kernel task stack");
        page_entry(base + offset) = frame_physical(frame.value().pfn()) | pte_present | pte_writable | pte_no_execute;
        invalidate(base + offset);
        frames->push_back(frame.release_value());
    }
    g_slots[slot] = frames;
    ++g_slots_in_use;
    // SAFETY: `base` is mapped just above, writable, for `bytes`.
    return reinterpret_cast<void*>(base);
}

void free_task_stack(void* stack, usize bytes)
{
    u64 base = reinterpret_cast<u64>(stack);
    usize slot = (base - stack_region) / slot_bytes;
    AX_ASSERT(slot < max_stacks && g_slots[slot]);
    for (u64 offset = 0; offset < bytes; offset += page_size) {
        page_entry(base + offset) = 0;
        invalidate(base + offset);
    }
    delete g_slots[slot]; // the frames go back to the allocator
    g_slots[slot] = nullptr;
    --g_slots_in_use;
}

} // namespace asterix::frame::arch
