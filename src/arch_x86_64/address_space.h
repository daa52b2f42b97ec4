#pragma once

#include <vector>

#include "frame/arch.h"
#include "frame/phys_mem.h"

namespace asterix::frame::arch {

/// A guest address space on bare metal: 4-level page tables. The kernel's half (PML4 slot 511:
/// the kernel image and the direct map) is shared, supervisor only; the lower half is the guest's.
class AddressSpace {
public:
    explicit AddressSpace(Frame root);
    /// Switches the CPU back to the kernel's own tables when it is still on these.
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

    /// The physical address to load into CR3.
    u64 root_physical() const;
    /// Page-table entries are written at once, with invlpg when the space is loaded.
    void flush() {}
    /// Loads CR3 with this space unless it is already there (which would flush the TLB).
    void load();
    bool is_loaded() const;
    bool is_alive() const { return true; }

    void set_page(u64 va, u64 physical, u8 perms);
    void protect_page(u64 va, u8 perms);
    void clear_page(u64 va);

private:
    /// The page-table entry of `va`, creating the tables on the way when `is_creating`.
    u64* entry(u64 va, bool is_creating);
    void write_entry(u64* slot, u64 va, u64 value);

    Frame m_root;
    std::vector<Frame> m_tables;
};

static_assert(ArchAddressSpace<AddressSpace>);

/// The physical address of a frame.
u64 physical_address(const Frame& frame);

} // namespace asterix::frame::arch
