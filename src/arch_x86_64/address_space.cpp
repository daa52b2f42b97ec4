#include "arch_x86_64/address_space.h"

#include "arch_x86_64/boot_info.h"
#include "frame/assert.h"

extern "C" asterix::u64 boot_pml4[512];

namespace asterix::frame::arch {

namespace {
constexpr u64 pte_present = 1;
constexpr u64 pte_writable = 2;
constexpr u64 pte_user = 4;
constexpr u64 pte_no_execute = 1ull << 63;
constexpr u64 address_mask = 0x000ffffffffff000ull;

constexpr usize kernel_half = 256; // PML4 slots 256-511: the frame window, the heap's second
                                   // arena, the kernel image, its direct map and task stacks

/// A page table (a frame) by its physical address, through the frame window.
u64* table_at(u64 physical)
{
    // SAFETY: page tables are frames, 4 KiB aligned, which the frame window maps.
    return reinterpret_cast<u64*>(arch_x86_64::frame_window_address(physical));
}
} // namespace

u64 physical_address(const Frame& frame) { return arch_x86_64::frame_physical(frame.pfn()); }

AddressSpace::AddressSpace(Frame root) : m_root(std::move(root))
{
    // The kernel's half, supervisor only: the kernel runs on these tables while the space is loaded.
    // All of it is in place before the first address space (init_phys_mem, init_task_stacks).
    for (usize slot = kernel_half; slot < 512; ++slot)
        table_at(root_physical())[slot] = boot_pml4[slot];
}

namespace {
u64 current_root()
{
    u64 cr3;
    asm volatile("mov %%cr3, %0" : "=r"(cr3));
    return cr3 & address_mask;
}
} // namespace

AddressSpace::~AddressSpace()
{
    if (is_loaded()) {
        asm volatile("mov %0, %%cr3" ::"r"(arch_x86_64::to_physical(&boot_pml4)) : "memory");
    }
}

u64 AddressSpace::root_physical() const { return physical_address(m_root); }

bool AddressSpace::is_loaded() const { return current_root() == root_physical(); }

void AddressSpace::load()
{
    if (!is_loaded())
        asm volatile("mov %0, %%cr3" ::"r"(root_physical()) : "memory");
}

void AddressSpace::write_entry(u64* slot, u64 va, u64 value)
{
    *slot = value;
    if (is_loaded())
        asm volatile("invlpg (%0)" ::"r"(va) : "memory");
}

u64* AddressSpace::entry(u64 va, bool is_creating)
{
    u64* table = table_at(root_physical());
    for (int shift = 39; shift > 12; shift -= 9) {
        u64& slot = table[(va >> shift) & 511];
        if (!(slot & pte_present)) {
            if (!is_creating)
                return nullptr;
            auto frame = Frame::alloc_zeroed();
            if (frame.is_error())
                panic("out of memory for page tables");
            slot = physical_address(frame.value()) | pte_present | pte_writable | pte_user;
            m_tables.push_back(frame.release_value());
        }
        table = table_at(slot & address_mask);
    }
    return &table[(va >> 12) & 511];
}

void AddressSpace::set_page(u64 va, u64 physical, u8 perms)
{
    u64 flags = pte_present | pte_user;
    if (perms & perm_write)
        flags |= pte_writable;
    if (!(perms & perm_exec))
        flags |= pte_no_execute;
    write_entry(entry(va, true), va, physical | flags);
}

void AddressSpace::protect_page(u64 va, u8 perms)
{
    if (u64* slot = entry(va, false); slot && (*slot & pte_present))
        set_page(va, *slot & address_mask, perms);
}

void AddressSpace::clear_page(u64 va)
{
    if (u64* slot = entry(va, false))
        write_entry(slot, va, 0);
}

Result<AddressSpacePtr> create_address_space()
{
    auto root = TRY(Frame::alloc_zeroed());
    return AddressSpacePtr(new AddressSpace(std::move(root)));
}

void AddressSpaceDeleter::operator()(AddressSpace* space) const { delete space; }

void tlb_map(AddressSpace& space, u64 va, u64 pfn, u64 pages, u8 perms)
{
    for (u64 i = 0; i < pages; ++i)
        space.set_page(va + i * page_size, arch_x86_64::frame_physical(pfn + i), perms);
}

void tlb_unmap(AddressSpace& space, u64 va, u64 len)
{
    for (u64 at = va; at < va + len; at += page_size)
        space.clear_page(at);
}

void tlb_protect(AddressSpace& space, u64 va, u64 len, u8 perms)
{
    for (u64 at = va; at < va + len; at += page_size)
        space.protect_page(at, perms);
}

// Page tables come from guest memory and have no limit of their own: the frame never needs to
// drop them all.
bool tlb_has_room(AddressSpace&, usize) { return true; }

// The page-table changes take effect as they are made (invlpg): nothing to hold back.
void tlb_begin_batch(AddressSpace&) {}
void tlb_end_batch(AddressSpace&) {}

void tlb_unmap_all(AddressSpace&) { panic("tlb_unmap_all: page tables never run out of room"); }

} // namespace asterix::frame::arch
