#pragma once

#include <map>
#include <span>
#include <vector>
#include <string>

#include "frame/patch_table.h"
#include "frame/ref.h"
#include "frame/vdso.h"
#include "frame/vm_space.h"
#include "services/fs/file.h"
#include "services/fs/page_cache.h"

namespace asterix::services {

/// Where a process's regions go by default (below the stub the hosted backend keeps at the top).
inline constexpr u64 stack_top = frame::user_space_end - 64 * page_size;
inline constexpr u64 stack_max_bytes = 8 * 1024 * 1024;
inline constexpr u64 mmap_top = stack_top - stack_max_bytes - 256 * 1024 * 1024;
inline constexpr u64 mmap_min_addr = 0x10000;

/// Something besides its file that an area belongs to, held by every area mapping it: a SysV
/// shared memory segment counts its attaches by the areas holding it (fork copies them, exit
/// and exec drop them), as Linux's shm_nattch counts VMAs.
class AreaOwner : public RefCounted<AreaOwner> {
public:
    virtual ~AreaOwner() = default;
};

/// The kernel's own mappings in every process (Linux's special mappings): their pages are the
/// vDSO's, never a file's or fresh memory.
enum class SpecialMapping : u8 {
    none,
    vvar, ///< the vDSO's data page: read-only for good, the same frame in every process
    vdso, ///< the vDSO's image: read and execute; a write (after mprotect) copies the page
    patch_table, ///< the backend's trampolines of patched syscall sites ("[usertrap]", as gVisor names it)
};

/// One region of a process's address space (a VMA).
struct Area {
    u64 start;
    u64 end;
    u8 prot; ///< PROT_* bits as the guest asked (perm bits have the same values)
    std::string name; ///< "[heap]", "[stack]", or the file it came from
    Ref<File> file {}; ///< the mapped file, for file mappings
    u64 file_offset {0};
    bool is_shared {false};
    Ref<AreaOwner> owner {};
    SpecialMapping special {SpecialMapping::none};
    /// mlock(2)ed (Linux's VM_LOCKED): counted in VmLck and against RLIMIT_MEMLOCK.
    bool is_locked {false};
    /// MADV_DONTFORK: a forked child does not get the area.
    bool is_dropped_on_fork {false};
    /// MADV_WIPEONFORK: a forked child gets the area empty (reading zeros).
    bool is_wiped_on_fork {false};
    /// mseal(2): the area may not be unmapped, moved, resized or reprotected (EPERM).
    bool is_sealed {false};
    /// MAP_GROWSDOWN (Linux's VM_GROWSDOWN): a fault just below the area extends it down.
    bool grows_down {false};
    /// Linux's VM_SOFTDIRTY: new since the last clear_refs 4, so every page of it counts as
    /// soft-dirty in /proc/PID/pagemap. It does not keep areas from merging (the merged area
    /// has it when either had).
    bool is_soft_dirty {true};

    /// The flags that keep two neighbouring areas from merging into one.
    bool has_same_flags(const Area& other) const
    {
        return is_dropped_on_fork == other.is_dropped_on_fork && is_wiped_on_fork == other.is_wiped_on_fork
            && is_sealed == other.is_sealed && is_locked == other.is_locked && grows_down == other.grows_down;
    }
};

/// madvise(2) advice that the memory map acts on (the rest are hints it may ignore).
enum class Advice : u8 { dont_need, free, remove, dont_fork, do_fork, wipe_on_fork, keep_on_fork, populate_read, populate_write, other };

enum class Placement : u8 { anywhere, hint, fixed, fixed_noreplace };

/// Linux's vm.max_map_count default: a process has at most this many areas (mmap, and the
/// splits of munmap and mprotect, get ENOMEM beyond), so its map stays cheap to search.
inline constexpr usize max_map_count = 65530;

/// The regions of one process's address space and the policy behind them: demand-zero
/// anonymous memory, brk, and what a page fault means. Pages live in the frame's VmSpace.
class MemoryMap : public RefCounted<MemoryMap> {
public:
    explicit MemoryMap(Ref<frame::VmSpace> vm);
    /// A copy-on-write copy for a forked child: private pages are shared read-only until one
    /// side writes; shared mappings stay shared. The pages at `hot_addrs` (the forking thread's
    /// code, stack and TLS), which both sides touch at once, are copied now rather than on
    /// their first write, and the child starts with them in its TLB: a page fault costs far
    /// more than a copy on the hosted backend.
    Result<Ref<MemoryMap>> fork(std::span<const u64> hot_addrs = {});
    MemoryMap(const MemoryMap&) = delete;

    frame::VmSpace& vm() { return *m_vm; }
    const std::map<u64, Area>& areas() const { return m_areas; }

    /// Maps demand-zero memory; `addr` is a hint or, with a fixed placement, the address.
    /// With `grows_down` (MAP_GROWSDOWN) a fault below the area grows it (grow_down_to).
    Result<u64> map_anonymous(u64 addr, u64 len, u8 prot, Placement placement, std::string name = {}, bool grows_down = false);
    /// Maps `len` bytes of `file` from `offset` (page aligned): private (copy on write from the
    /// page cache) or shared (writes reach the file by msync, munmap or exit).
    Result<u64> map_file(u64 addr, u64 len, u8 prot, Placement placement, Ref<File> file, u64 offset, bool is_shared);
    /// Writes the dirty-able pages of shared file mappings in the range back to their files.
    Result<void> sync(u64 addr, u64 len);
    void sync_all();
    /// mremap(2): resize in place, or move when `may_move`; to `fixed_addr` (MREMAP_FIXED),
    /// and keeping the old range mapped but empty when `keeps_old` (MREMAP_DONTUNMAP).
    struct RemapTarget {
        bool may_move {false};
        std::optional<u64> fixed_addr;
        bool keeps_old {false};
    };
    Result<u64> remap(u64 addr, u64 old_len, u64 new_len, const RemapTarget& target);
    /// Fills the pages of a range now (MAP_POPULATE); errors are ignored, as Linux does.
    void populate(u64 addr, u64 len);
    /// Whether each page of the range is resident (mincore); ENOMEM if part is unmapped.
    Result<std::vector<u8>> residency(u64 addr, u64 len);
    /// Unmaps [addr, addr+len); pages and partial areas are split off as Linux does.
    Result<void> unmap(u64 addr, u64 len);
    /// ENOMEM when part of the range is not mapped.
    Result<void> protect(u64 addr, u64 len, u8 prot);
    /// Marks the pages of [start, end) locked or not (memory_lock.cpp): ENOMEM when a page of
    /// it is unmapped or the split would pass max_map_count.
    Result<void> set_locked(u64 start, u64 end, bool is_locked);
    /// Marks every area, and with `is_future` every area mapped from now on (MCL_FUTURE).
    void set_all_locked(bool is_locked, bool is_future);
    /// Only whether areas mapped from now on start locked (mlockall(MCL_FUTURE) alone).
    void set_all_locked_future(bool is_future) { m_is_locking_future = is_future; }
    /// Bytes locked (VmLck), and those of [start, end) alone.
    u64 locked_bytes() const { return locked_bytes_in(0, ~0ull); }
    u64 locked_bytes_in(u64 start, u64 end) const;
    /// Bytes mapped (VmSize, Linux's total_vm).
    u64 mapped_bytes() const;
    /// The membarrier(2) REGISTER_* commands this address space has run (their bits); a new
    /// address space (exec) starts with none.
    u32 membarrier_registrations {0};
    /// Drops the pages of [addr, addr+len) so that they read as zero again (MADV_DONTNEED).
    Result<void> discard(u64 addr, u64 len);
    /// Maps the vDSO somewhere free, [vvar] then [vdso] above it; returns the image's address
    /// (AT_SYSINFO_EHDR).
    Result<u64> map_vdso(const frame::VdsoPages& pages);
    /// Maps the trampoline table of patched syscall sites at its fixed address, read and
    /// execute; EEXIST when something is there already (then no site gets patched).
    Result<void> map_patch_table(const frame::PatchTablePages& table);
    /// madvise(2) on a page-aligned range: checks each area against the advice (EINVAL,
    /// EACCES, EPERM for sealed memory) and applies it; ENOMEM when part of it is unmapped,
    /// after the mapped parts got the advice, as Linux does.
    Result<void> advise(u64 addr, u64 size, Advice advice);
    /// clear_refs 4: every area and page is clean until written again.
    void clear_soft_dirty();
    /// mseal(2) on a page-aligned range, which must be mapped whole (ENOMEM otherwise).
    Result<void> seal(u64 addr, u64 size);
    /// EPERM when part of [start, end) is sealed.
    Result<void> check_unsealed(u64 start, u64 end) const;
    /// Puts an already filled frame at `va` inside an existing area (the ELF loader).
    Result<void> install_page(u64 va, frame::Frame frame);

    /// RLIMIT_AS: the bytes of all areas together; mmap, mremap and brk past it fail.
    void set_address_limit(u64 bytes) { m_address_limit = bytes; }
    /// RLIMIT_STACK: a grows-down area never grows past it (Linux's acct_stack_growth).
    void set_stack_limit(u64 bytes) { m_stack_limit = bytes; }
    /// The program this memory runs keeps its executable from being written (ETXTBSY) for as
    /// long as the memory lives, as Linux's mm->exe_file does; a fork's copy keeps it too.
    void hold_executable(ExecHold hold) { m_exe_hold.emplace(std::move(hold)); }

    void set_brk_start(u64 addr);
    /// brk(2): returns the new break, or the old one when it cannot move.
    u64 brk(u64 requested);

    /// What a fault at `fault.addr` means, resolving it (demand paging, copy on write) when it
    /// can. It decides for this fault alone: nothing of it is kept for the next one.
    frame::FaultOutcome handle_fault(const frame::PageFault& fault);
    /// Unmaps the pages of mappings of `cache`'s file that lie wholly past `size` (the file was
    /// truncated): the next access faults, and gets SIGBUS.
    void drop_file_pages_past(const PageCache& cache, u64 size);

    /// Marks the area starting at `start` as belonging to `owner` (shmat).
    void set_owner(u64 start, Ref<AreaOwner> owner)
    {
        auto it = m_areas.find(start);
        if (it != m_areas.end())
            it->second.owner = std::move(owner);
    }
    /// The area containing `addr`, if any.
    const Area* area_at(u64 addr) const { return find_area(addr); }
    /// Whether `addr` lies in a MAP_SHARED mapping (futexes there are keyed physically).
    bool is_shared_at(u64 addr) const
    {
        const Area* area = find_area(addr);
        return area && area->is_shared;
    }

private:
    /// fork's part for one hot page of the child (this map): a private copy, the parent's page
    /// writable again when nobody else shares it, and the page in the child's TLB.
    void copy_hot_page(MemoryMap& parent, u64 page);
    const Area* find_area(u64 addr) const;
    bool is_range_free(u64 start, u64 end) const;
    Result<u64> find_free(u64 len);
    Result<u64> place(u64 addr, u64 size, Placement placement);
    frame::FaultOutcome fault_file_page(const Area& area, u64 page, frame::Access access);
    /// Maps the vDSO's frame for `page` of a special area again (after MADV_DONTNEED).
    frame::FaultOutcome fault_special_page(const Area& area, u64 page);
    /// Whether [start, end) would cut a special area in two: Linux refuses to split those.
    bool splits_special_area(u64 start, u64 end) const;
    void map_file_neighbours(const Area& area, u64 page, u64 file_size);
    void write_back_range(const Area& area, u64 start, u64 end);
    Result<u64> remap_to(u64 addr, u64 old_size, u64 new_size, u64 to, bool keeps_old);
    /// Moves the pages of [addr, addr + old_size) of `area` to a new area at `to`.
    u64 move_pages(const Area& area, u64 addr, u64 old_size, u64 new_size, u64 to, bool keeps_old);
    /// Cuts [start, end) out of the areas, splitting the ones that straddle its edges.
    void remove_range(u64 start, u64 end);
    void split_at(u64 addr);
    /// Whether cutting at `start` and `end` (splits) leaves the map within max_map_count.
    bool has_room_to_split(u64 start, u64 end) const;
    /// Whether adding `added` bytes while [start, end) is replaced keeps the areas within
    /// RLIMIT_AS (Linux's may_expand_vm). It sums the areas, so it costs only under a limit.
    bool fits_address_limit(u64 added, u64 start, u64 end) const;
    /// Joins the areas around [start, end) with their neighbours where Linux would: adjacent
    /// private anonymous memory with the same protection and name.
    void merge_around(u64 start, u64 end);
    /// A fault at `addr`, outside every area: the grows-down area just above it takes in its
    /// page if the stack guard gap below stays clear, as Linux's expand_downwards; false if not.
    bool grow_down_to(u64 addr);

    Ref<frame::VmSpace> m_vm;
    std::map<u64, Area> m_areas; // by start
    /// mlockall(MCL_FUTURE): new mappings start locked.
    bool m_is_locking_future {false};
    /// Where the last top-down placement went: the next search for room starts there, so
    /// that a process with many areas does not walk them all on every mmap (an unmap above it
    /// moves it up again). Linux's free_area_cache did the same.
    u64 m_free_hint {~0ull};
    u64 m_brk_start {0};
    u64 m_brk {0};
    u64 m_address_limit {~0ull};
    u64 m_stack_limit {~0ull};
    /// The frames behind the special areas.
    frame::VdsoPages m_vdso;
    std::vector<frame::Frame> m_patch_table;
    std::optional<ExecHold> m_exe_hold;
};

/// The page permissions that PROT_* bits give on x86-64 (writable or executable implies readable).
u8 effective_perms(u8 prot);

} // namespace asterix::services
