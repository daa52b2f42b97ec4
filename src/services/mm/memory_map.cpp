#include "services/mm/memory_map.h"

#include <algorithm>
#include <vector>

#include "frame/frame_io.h"
#include "frame/phys_mem.h"
#include "services/fs/inode.h"
#include "services/fs/page_cache.h"
#include "services/mm/oom_kill.h"

namespace asterix::services {

namespace {

/// How many pages one fault fills (an aligned block, within the area): fewer round trips to
/// the backend for the common sequential touch.
constexpr u64 fault_around_pages = 16;

bool allows(u8 prot, frame::Access access)
{
    switch (access) {
    case frame::Access::read:
        return prot != 0;
    case frame::Access::write:
        return prot & frame::perm_write;
    case frame::Access::exec:
        return prot & frame::perm_exec;
    }
    return false;
}

} // namespace

u8 effective_perms(u8 prot)
{
    u8 perms = prot & (frame::perm_read | frame::perm_write | frame::perm_exec);
    if (perms)
        perms |= frame::perm_read;
    return perms;
}

MemoryMap::MemoryMap(Ref<frame::VmSpace> vm) : m_vm(std::move(vm))
{
    m_vm->set_fault_handler([this](frame::VmSpace&, const frame::PageFault& fault) {
        // Like Linux's OOM killer, which runs where the allocation failed: whether the guest
        // touched the page or a syscall copied to it, the processes on this map die (a copy
        // still returns EFAULT, and the kill lands before the guest runs again).
        auto outcome = handle_fault(fault);
        if (outcome == frame::FaultOutcome::out_of_memory)
            oom_kill(*this);
        return outcome;
    });
}

void MemoryMap::drop_file_pages_past(const PageCache& cache, u64 size)
{
    u64 first_gone = page_round_up(size);
    for (const auto& [start, area] : m_areas) {
        if (!area.file || !area.file->inode() || area.file->inode()->page_cache().ptr() != &cache)
            continue;
        // File offset `first_gone` sits at this address in the area.
        u64 cut = first_gone <= area.file_offset ? area.start : area.start + (first_gone - area.file_offset);
        if (cut < area.end)
            m_vm->unmap(cut, area.end - cut);
    }
}

Result<Ref<MemoryMap>> MemoryMap::fork(std::span<const u64> hot_addrs)
{
    auto child_vm = TRY(frame::VmSpace::create());
    auto child = make_ref<MemoryMap>(child_vm);
    for (const auto& [start, area] : m_areas) {
        if (!area.is_dropped_on_fork)
            child->m_areas.emplace(start, area);
    }
    // Memory locks, and mlockall's MCL_FUTURE, are not inherited (mlock(2)).
    for (auto& [start, area] : child->m_areas)
        area.is_locked = false;
    child->m_address_limit = m_address_limit;
    child->m_stack_limit = m_stack_limit;
    child->m_brk_start = m_brk_start;
    child->m_brk = m_brk;
    child->m_vdso = m_vdso;
    child->m_patch_table = m_patch_table;
    if (m_exe_hold)
        child->m_exe_hold.emplace(*m_exe_hold);
    // Every area's write protection reaches the host in one batch, before the child exists
    // for anyone to run: under systrap each would be a round trip to the mapping thread.
    frame::VmSpace::TlbBatch batch(*m_vm);
    for (const auto& [start, area] : m_areas) {
        if (area.is_dropped_on_fork || (area.is_wiped_on_fork && !area.is_shared))
            continue;
        u8 perms = effective_perms(area.prot);
        bool is_private_writable = !area.is_shared && (perms & frame::perm_write);
        m_vm->for_each_page(area.start, area.end, [&](u64 va, const frame::Mapping& mapping) {
            // Private pages become copy-on-write on both sides; shared ones stay as they are.
            u8 page_perms = is_private_writable ? mapping.perms & ~frame::perm_write : mapping.perms;
            child_vm->map(va, mapping.frame, page_perms);
        });
        if (is_private_writable)
            m_vm->protect(area.start, area.end - area.start, perms & ~frame::perm_write);
    }
    child_vm->inherit_code_patches(*m_vm);
    for (u64 addr : hot_addrs)
        child->copy_hot_page(*this, page_round_down(addr));
    return child;
}

void MemoryMap::copy_hot_page(MemoryMap& parent, u64 page)
{
    const Area* area = find_area(page);
    auto mapping = m_vm->query(page);
    auto parent_mapping = parent.m_vm->query(page);
    if (!area || !mapping || !parent_mapping)
        return;
    u8 perms = effective_perms(area->prot);
    if (!area->is_shared && (perms & frame::perm_write) && mapping->frame.pfn() == parent_mapping->frame.pfn()) {
        auto copy = alloc_frame();
        if (copy.is_error())
            return; // copy-on-write then, as for any other page
        MUST(frame::FrameWriter(copy.value()).copy_from(mapping->frame));
        m_vm->map(page, copy.release_value(), perms);
        // Whoever else shares the parent's frame (the page cache, an earlier fork's child)
        // keeps it read-only for the parent; handles: the parent's page table, `mapping` and
        // `parent_mapping`.
        if (mapping->frame.share_count() <= 3)
            parent.m_vm->protect(page, page_size, perms);
    }
    m_vm->fill_tlb(page);
}

const Area* MemoryMap::find_area(u64 addr) const
{
    auto it = m_areas.upper_bound(addr);
    if (it == m_areas.begin())
        return nullptr;
    --it;
    return addr < it->second.end ? &it->second : nullptr;
}

bool MemoryMap::is_range_free(u64 start, u64 end) const
{
    auto it = m_areas.lower_bound(start);
    if (it != m_areas.end() && it->second.start < end)
        return false;
    if (it != m_areas.begin() && std::prev(it)->second.end > start)
        return false;
    return true;
}

Result<u64> MemoryMap::find_free(u64 len)
{
    // Top down, like Linux's default layout: from the last placement, then from mmap_top.
    for (u64 top : {std::min(m_free_hint, mmap_top), mmap_top}) {
        u64 end = top;
        for (auto it = m_areas.lower_bound(end); it != m_areas.begin();) {
            --it;
            const Area& area = it->second;
            if (area.end <= end && end - area.end >= len) {
                m_free_hint = end - len;
                return end - len;
            }
            end = std::min(end, area.start);
        }
        if (end >= mmap_min_addr && end - mmap_min_addr >= len) {
            m_free_hint = end - len;
            return end - len;
        }
        if (top == mmap_top)
            break;
    }
    return Errno::enomem;
}

bool MemoryMap::has_room_to_split(u64 start, u64 end) const
{
    usize splits = 0;
    for (u64 at : {start, end}) {
        const Area* area = find_area(at);
        splits += area && area->start < at;
    }
    return m_areas.size() + splits <= max_map_count;
}

void MemoryMap::merge_around(u64 start, u64 end)
{
    auto it = m_areas.upper_bound(start);
    if (it != m_areas.begin())
        --it;
    if (it != m_areas.begin())
        --it;
    while (it != m_areas.end() && it->first <= end) {
        auto next = std::next(it);
        if (next == m_areas.end())
            break;
        Area& left = it->second;
        const Area& right = next->second;
        bool is_mergeable = left.end == right.start && left.prot == right.prot && !left.file && !right.file
            && !left.is_shared && !right.is_shared && left.name == right.name && left.has_same_flags(right)
            && left.special == SpecialMapping::none && right.special == SpecialMapping::none;
        if (is_mergeable) {
            left.end = right.end;
            left.is_soft_dirty = left.is_soft_dirty || right.is_soft_dirty;
            m_areas.erase(next);
        } else {
            it = next;
        }
    }
}

void MemoryMap::split_at(u64 addr)
{
    auto it = m_areas.upper_bound(addr);
    if (it == m_areas.begin())
        return;
    --it;
    Area& area = it->second;
    if (area.start < addr && addr < area.end) {
        Area right = area;
        right.start = addr;
        if (right.file)
            right.file_offset += addr - area.start;
        area.end = addr;
        m_areas.emplace(addr, std::move(right));
    }
}

void MemoryMap::remove_range(u64 start, u64 end)
{
    if (m_free_hint != ~0ull)
        m_free_hint = std::max(m_free_hint, end);
    split_at(start);
    split_at(end);
    auto it = m_areas.lower_bound(start);
    while (it != m_areas.end() && it->first < end) {
        write_back_range(it->second, start, end);
        it = m_areas.erase(it);
    }
    m_vm->unmap(start, end - start);
}

namespace {
/// Where a mapping replaces what is there: a fixed one from `addr`, any other nowhere (the
/// range [~0, addr+size) is empty).
u64 replaced_start(u64 addr, Placement placement) { return placement == Placement::fixed ? addr : ~0ull; }
} // namespace

bool MemoryMap::fits_address_limit(u64 added, u64 start, u64 end) const
{
    if (m_address_limit == ~0ull)
        return true;
    u64 total = 0;
    for (const auto& [area_start, area] : m_areas) {
        u64 overlap_start = std::max(area.start, start), overlap_end = std::min(area.end, end);
        total += (area.end - area.start) - (overlap_start < overlap_end ? overlap_end - overlap_start : 0);
    }
    return added <= m_address_limit && total <= m_address_limit - added;
}

Result<u64> MemoryMap::place(u64 addr, u64 size, Placement placement)
{
    switch (placement) {
    case Placement::fixed:
    case Placement::fixed_noreplace:
        if (!is_page_aligned(addr))
            return Errno::einval;
        if (addr > frame::user_space_end - size)
            return Errno::enomem;
        if (addr < mmap_min_addr)
            return Errno::eperm; // mmap_min_addr protects the zero page
        if (placement == Placement::fixed_noreplace && !is_range_free(addr, addr + size))
            return Errno::eexist;
        if (splits_special_area(addr, addr + size))
            return Errno::einval;
        TRY(check_unsealed(addr, addr + size));
        remove_range(addr, addr + size);
        return addr;
    case Placement::hint:
        addr = page_round_down(addr);
        if (addr >= mmap_min_addr && addr <= frame::user_space_end - size && is_range_free(addr, addr + size))
            return addr;
        [[fallthrough]];
    case Placement::anywhere:
        return find_free(size);
    }
    return Errno::einval;
}

Result<u64> MemoryMap::map_anonymous(u64 addr, u64 len, u8 prot, Placement placement, std::string name, bool grows_down)
{
    if (len == 0)
        return Errno::einval;
    u64 size = page_round_up(len);
    if (size < len || size > frame::user_space_end)
        return Errno::enomem;
    // Linux's heuristic overcommit: one mapping larger than all memory cannot succeed.
    if (size / page_size > frame::total_frames())
        return Errno::enomem;
    if (m_areas.size() >= max_map_count) // vm.max_map_count
        return Errno::enomem;
    if (!fits_address_limit(size, replaced_start(addr, placement), addr + size))
        return Errno::enomem;
    u64 start = TRY(place(addr, size, placement));
    Area& area = m_areas.insert_or_assign(start, Area {start, start + size, prot, std::move(name)}).first->second;
    area.is_locked = m_is_locking_future;
    area.grows_down = grows_down;
    merge_around(start, start + size);
    return start;
}

Result<u64> MemoryMap::map_file(u64 addr, u64 len, u8 prot, Placement placement, Ref<File> file, u64 offset, bool is_shared)
{
    if (len == 0)
        return Errno::einval;
    u64 size = page_round_up(len);
    if (size < len || size > frame::user_space_end)
        return Errno::enomem;
    if (offset + size < offset)
        return Errno::eoverflow;
    Inode* inode = file->inode();
    if (!inode || !inode->page_cache())
        return Errno::enodev;
    if (m_areas.size() >= max_map_count) // vm.max_map_count
        return Errno::enomem;
    if (!fits_address_limit(size, replaced_start(addr, placement), addr + size))
        return Errno::enomem;
    u64 start = TRY(place(addr, size, placement));
    std::string name = file->description();
    m_areas.insert_or_assign(start, Area {start, start + size, prot, std::move(name), std::move(file), offset, is_shared})
        .first->second.is_locked = m_is_locking_future;
    return start;
}

void MemoryMap::write_back_range(const Area& area, u64 start, u64 end)
{
    if (!area.file || !area.is_shared || !(area.prot & frame::perm_write))
        return;
    Inode* inode = area.file->inode();
    std::vector<u8> page(page_size);
    for (u64 va = std::max(start, area.start); va < std::min(end, area.end); va += page_size) {
        auto mapping = m_vm->query(va);
        if (!mapping)
            continue;
        u64 index = (va - area.start + area.file_offset) / page_size;
        // The guest may still be writing the page: the file gets one consistent copy of it.
        if (frame::FrameReader(mapping->frame).read(0, page).is_error())
            continue;
        static_cast<void>(inode->write_back(index, page));
    }
}

Result<void> MemoryMap::sync(u64 addr, u64 len)
{
    u64 size = page_round_up(len);
    if (size < len || addr > frame::user_space_end || size > frame::user_space_end - addr)
        return Errno::enomem;
    u64 end = addr + size;
    for (u64 at = addr; at < end;) {
        const Area* area = find_area(at);
        if (!area)
            return Errno::enomem;
        write_back_range(*area, at, end);
        at = area->end;
    }
    return {};
}

void MemoryMap::sync_all()
{
    for (const auto& [start, area] : m_areas)
        write_back_range(area, area.start, area.end);
}

void MemoryMap::populate(u64 addr, u64 len)
{
    for (u64 va = addr; va < addr + len; va += page_size) {
        if (!m_vm->query(va))
            handle_fault({va, frame::Access::read}); // no kill here: MAP_POPULATE is best effort
    }
}

Result<std::vector<u8>> MemoryMap::residency(u64 addr, u64 len)
{
    if (!is_page_aligned(addr))
        return Errno::einval;
    u64 size = page_round_up(len);
    if (size < len || addr > frame::user_space_end || size > frame::user_space_end - addr)
        return Errno::enomem;
    std::vector<u8> resident;
    for (u64 va = addr; va < addr + size; va += page_size) {
        const Area* area = find_area(va);
        if (!area)
            return Errno::enomem;
        bool is_resident = m_vm->query(va).has_value();
        if (!is_resident && area->file && area->file->inode()) {
            // As Linux's mincore: a page of a file mapping that is not mapped yet is resident
            // when the file's page cache holds it (a later fault maps it without reading).
            auto cache = area->file->inode()->page_cache();
            is_resident = cache && cache->find((va - area->start + area->file_offset) / page_size);
        }
        resident.push_back(is_resident ? 1 : 0);
    }
    return resident;
}

Result<u64> MemoryMap::remap(u64 addr, u64 old_len, u64 new_len, const RemapTarget& target)
{
    if (!is_page_aligned(addr))
        return Errno::einval;
    u64 old_size = page_round_up(old_len);
    u64 new_size = page_round_up(new_len);
    if (new_size == 0 || new_size < new_len || new_size > frame::user_space_end)
        return Errno::einval;
    TRY(check_unsealed(addr, addr + std::max<u64>(old_size, page_size)));
    if (target.fixed_addr)
        return remap_to(addr, old_size, new_size, *target.fixed_addr, target.keeps_old);
    const Area* area = find_area(addr);
    if (!area || area->end - addr < old_size || old_size == 0)
        return Errno::efault;
    // Special mappings never grow (Linux's VM_DONTEXPAND) nor split.
    if (area->special != SpecialMapping::none && new_size > old_size)
        return Errno::efault;
    if (area->special != SpecialMapping::none
        && (addr != area->start || old_size != area->end - area->start || new_size < old_size))
        return Errno::einval;
    if (target.keeps_old) {
        if (!fits_address_limit(new_size, 0, 0))
            return Errno::enomem;
        u64 to = TRY(find_free(new_size));
        return move_pages(*area, addr, old_size, new_size, to, true);
    }
    if (new_size <= old_size) {
        if (new_size < old_size)
            remove_range(addr + new_size, addr + old_size);
        return addr;
    }
    if (!fits_address_limit(new_size - old_size, 0, 0))
        return Errno::enomem;
    // Grow in place when the area ends here and the space after it is free.
    if (area->end == addr + old_size && addr + new_size <= frame::user_space_end && is_range_free(addr + old_size, addr + new_size)) {
        m_areas.at(area->start).end = addr + new_size;
        return addr;
    }
    if (!target.may_move)
        return Errno::enomem;
    u64 to = TRY(find_free(new_size));
    return move_pages(*area, addr, old_size, new_size, to, false);
}

Result<u64> MemoryMap::remap_to(u64 addr, u64 old_size, u64 new_size, u64 to, bool keeps_old)
{
    // Linux's mremap_to: the target must be aligned, inside user space and apart from the old
    // range; whatever was mapped there goes, and a shrinking move drops the old range's tail.
    if (!is_page_aligned(to) || to >= frame::user_space_end || new_size > frame::user_space_end - to)
        return Errno::einval;
    if (to < addr + old_size && addr < to + new_size)
        return Errno::einval;
    if (!has_room_to_split(to, to + new_size))
        return Errno::enomem;
    TRY(check_unsealed(to, to + new_size));
    remove_range(to, to + new_size);
    if (old_size > new_size) {
        remove_range(addr + new_size, addr + old_size);
        old_size = new_size;
    }
    const Area* area = find_area(addr);
    if (!area || area->end - addr < old_size || old_size == 0)
        return Errno::efault;
    if (!fits_address_limit(keeps_old ? new_size : new_size - old_size, 0, 0))
        return Errno::enomem;
    return move_pages(*area, addr, old_size, new_size, to, keeps_old);
}

u64 MemoryMap::move_pages(const Area& area, u64 addr, u64 old_size, u64 new_size, u64 to, bool keeps_old)
{
    Area moved = area;
    moved.file_offset += addr - area.start;
    moved.start = to;
    moved.end = to + new_size;
    for (u64 at = 0; at < old_size; at += page_size) {
        if (auto mapping = m_vm->query(addr + at))
            m_vm->map(to + at, mapping->frame, mapping->perms);
    }
    if (keeps_old) {
        // MREMAP_DONTUNMAP: the old range stays mapped but its pages went with the move, so
        // anonymous memory there reads as zero and a file mapping faults its file in again.
        m_vm->unmap(addr, old_size);
    } else {
        remove_range(addr, addr + old_size);
    }
    m_areas.insert_or_assign(to, std::move(moved));
    return to;
}

Result<void> MemoryMap::unmap(u64 addr, u64 len)
{
    if (!is_page_aligned(addr) || len == 0)
        return Errno::einval;
    u64 size = page_round_up(len);
    if (size < len || addr >= frame::user_space_end || size > frame::user_space_end - addr)
        return Errno::einval;
    if (!has_room_to_split(addr, addr + size))
        return Errno::enomem; // munmap(2): the split would pass the limit on mappings
    if (splits_special_area(addr, addr + size))
        return Errno::einval;
    TRY(check_unsealed(addr, addr + size));
    remove_range(addr, addr + size);
    return {};
}

Result<void> MemoryMap::protect(u64 addr, u64 len, u8 prot)
{
    if (!is_page_aligned(addr))
        return Errno::einval;
    u64 size = page_round_up(len);
    if (size < len || addr > frame::user_space_end || size > frame::user_space_end - addr)
        return Errno::enomem;
    if (size == 0)
        return {};
    u64 end = addr + size;
    // Every page of the range must be mapped.
    for (u64 at = addr; at < end;) {
        const Area* area = find_area(at);
        if (!area)
            return Errno::enomem;
        at = area->end;
    }
    // A shared mapping of a file opened read-only can never become writable.
    for (u64 at = addr; at < end;) {
        const Area* area = find_area(at);
        if (area->file && area->is_shared && (prot & frame::perm_write) && !area->file->is_writable())
            return Errno::eacces;
        // The vDSO's data page may never be written or run (no VM_MAYWRITE, VM_MAYEXEC).
        if (area->special == SpecialMapping::vvar && (prot & (frame::perm_write | frame::perm_exec)))
            return Errno::eacces;
        at = area->end;
    }
    TRY(check_unsealed(addr, end));
    if (!has_room_to_split(addr, end))
        return Errno::enomem;
    if (splits_special_area(addr, end))
        return Errno::einval;
    split_at(addr);
    split_at(end);
    for (auto it = m_areas.lower_bound(addr); it != m_areas.end() && it->first < end; ++it) {
        Area& area = it->second;
        area.prot = prot;
        if (!area.is_shared && (prot & frame::perm_write)) {
            // Pages still shared (with the page cache, or with a forked process) stay read-only:
            // their first write copies.
            for (u64 va = area.start; va < area.end; va += page_size) {
                auto mapping = m_vm->query(va);
                if (mapping)
                    m_vm->protect(va, page_size, mapping->frame.share_count() > 2 ? effective_perms(prot) & ~frame::perm_write : effective_perms(prot));
            }
        } else {
            m_vm->protect(area.start, area.end - area.start, effective_perms(prot));
        }
    }
    merge_around(addr, end);
    return {};
}

Result<void> MemoryMap::discard(u64 addr, u64 len)
{
    if (!is_page_aligned(addr))
        return Errno::einval;
    u64 size = page_round_up(len);
    if (size < len || addr > frame::user_space_end || size > frame::user_space_end - addr)
        return Errno::einval;
    for (u64 at = addr; at < addr + size;) {
        const Area* area = find_area(at);
        if (!area)
            return Errno::enomem;
        at = area->end;
    }
    m_vm->unmap(addr, size);
    return {};
}

Result<u64> MemoryMap::map_vdso(const frame::VdsoPages& pages)
{
    u64 data_size = pages.data.size() * page_size, image_size = pages.image.size() * page_size;
    if (m_areas.size() + 2 > max_map_count)
        return Errno::enomem;
    u64 start = TRY(place(0, data_size + image_size, Placement::anywhere));
    u64 image = start + data_size;
    m_vdso = pages;
    // The data page is shared by nature (every process sees the kernel's writes): no copy on
    // write can ever apply to it.
    Area vvar {start, image, frame::perm_read, "[vvar]"};
    vvar.is_shared = true;
    vvar.special = SpecialMapping::vvar;
    Area vdso {image, image + image_size, frame::perm_read | frame::perm_exec, "[vdso]"};
    vdso.special = SpecialMapping::vdso;
    m_areas.insert_or_assign(start, std::move(vvar));
    m_areas.insert_or_assign(image, std::move(vdso));
    // Mapped now, not on first touch: every process calls into them at once.
    for (u64 i = 0; i < pages.data.size(); ++i)
        m_vm->map(start + i * page_size, pages.data[i], frame::perm_read);
    for (u64 i = 0; i < pages.image.size(); ++i)
        m_vm->map(image + i * page_size, pages.image[i], frame::perm_read | frame::perm_exec);
    return image;
}

Result<void> MemoryMap::map_patch_table(const frame::PatchTablePages& table)
{
    u64 size = table.pages.size() * page_size;
    if (m_areas.size() + 1 > max_map_count)
        return Errno::enomem;
    if (!is_range_free(table.addr, table.addr + size))
        return Errno::eexist;
    m_patch_table = table.pages;
    Area area {table.addr, table.addr + size, frame::perm_read | frame::perm_exec, "[usertrap]"};
    area.special = SpecialMapping::patch_table;
    m_areas.insert_or_assign(table.addr, std::move(area));
    for (u64 i = 0; i < table.pages.size(); ++i)
        m_vm->map(table.addr + i * page_size, table.pages[i], frame::perm_read | frame::perm_exec);
    return {};
}

bool MemoryMap::splits_special_area(u64 start, u64 end) const
{
    for (u64 at : {start, end}) {
        const Area* area = find_area(at);
        if (area && area->special != SpecialMapping::none && area->start < at)
            return true;
    }
    return false;
}

frame::FaultOutcome MemoryMap::fault_special_page(const Area& area, u64 page)
{
    const auto& frames = area.special == SpecialMapping::vvar ? m_vdso.data
        : area.special == SpecialMapping::patch_table          ? m_patch_table
                                                              : m_vdso.image;
    u64 index = (page - area.start) / page_size;
    if (index >= frames.size())
        return frame::FaultOutcome::no_backing;
    // The image's pages go in read-only even where the area became writable: the first write
    // copies (handle_fault's copy on write), the shared frame stays as built.
    m_vm->map(page, frames[index], effective_perms(area.prot) & ~frame::perm_write);
    return frame::FaultOutcome::handled;
}

Result<void> MemoryMap::check_unsealed(u64 start, u64 end) const
{
    auto it = m_areas.upper_bound(start);
    if (it != m_areas.begin())
        --it;
    for (; it != m_areas.end() && it->second.start < end; ++it) {
        if (it->second.end > start && it->second.is_sealed)
            return Errno::eperm;
    }
    return {};
}

namespace {
/// Linux's check for advice that would throw away the contents of sealed memory the process
/// cannot write (madvise_dontneed and friends on a read-only anonymous or private area).
bool is_discarding(Advice advice)
{
    return advice == Advice::dont_need || advice == Advice::free || advice == Advice::remove
        || advice == Advice::dont_fork || advice == Advice::wipe_on_fork;
}

/// Whether `area` takes `advice`: EINVAL for advice that does not fit the kind of memory.
Result<void> check_advice(const Area& area, Advice advice)
{
    switch (advice) {
    case Advice::free:
        // MADV_FREE is for private anonymous memory only.
        if (area.is_shared || area.file)
            return Errno::einval;
        break;
    case Advice::remove:
        // Punching a hole needs a shared mapping the process may write (EACCES otherwise).
        if (!area.is_shared)
            return Errno::einval;
        if (!(area.prot & frame::perm_write))
            return Errno::eacces;
        break;
    case Advice::wipe_on_fork:
    case Advice::keep_on_fork:
        if (area.is_shared || area.file)
            return Errno::einval;
        break;
    case Advice::populate_read:
    case Advice::populate_write:
        if (area.prot == frame::perm_none)
            return Errno::einval;
        break;
    default:
        break;
    }
    if (area.is_sealed && is_discarding(advice) && !area.is_shared && !(area.prot & frame::perm_write))
        return Errno::eperm;
    return {};
}
} // namespace

Result<void> MemoryMap::advise(u64 addr, u64 size, Advice advice)
{
    u64 end = addr + size;
    bool has_gap = false;
    // Every area in the range is checked before any changes, so an EINVAL leaves all as it was.
    for (u64 at = addr; at < end;) {
        auto it = m_areas.upper_bound(at);
        const Area* area = find_area(at);
        if (!area) {
            has_gap = true;
            if (it == m_areas.end())
                break;
            at = it->second.start;
            continue;
        }
        TRY(check_advice(*area, advice));
        at = area->end;
    }
    bool is_flag = advice == Advice::dont_fork || advice == Advice::do_fork || advice == Advice::wipe_on_fork
        || advice == Advice::keep_on_fork;
    if (is_flag) {
        if (!has_room_to_split(addr, end))
            return Errno::enomem;
        split_at(addr);
        split_at(end);
    }
    for (auto it = m_areas.lower_bound(is_flag ? addr : 0); it != m_areas.end() && it->second.start < end; ++it) {
        Area& area = it->second;
        if (area.end <= addr)
            continue;
        u64 from = std::max(addr, area.start);
        u64 to = std::min(end, area.end);
        switch (advice) {
        case Advice::dont_need:
        case Advice::free:
        case Advice::remove:
            m_vm->unmap(from, to - from);
            break;
        case Advice::dont_fork:
            area.is_dropped_on_fork = true;
            break;
        case Advice::do_fork:
            area.is_dropped_on_fork = false;
            break;
        case Advice::wipe_on_fork:
            area.is_wiped_on_fork = true;
            break;
        case Advice::keep_on_fork:
            area.is_wiped_on_fork = false;
            break;
        case Advice::populate_read:
        case Advice::populate_write:
            populate(from, to - from);
            break;
        case Advice::other:
            break;
        }
    }
    if (is_flag)
        merge_around(addr, end);
    return has_gap ? Result<void>(Errno::enomem) : Result<void>();
}

void MemoryMap::clear_soft_dirty()
{
    for (auto& [start, area] : m_areas)
        area.is_soft_dirty = false;
    m_vm->clear_soft_dirty(0, frame::user_space_end);
}

Result<void> MemoryMap::seal(u64 addr, u64 size)
{
    u64 end = addr + size;
    for (u64 at = addr; at < end;) {
        const Area* area = find_area(at);
        if (!area)
            return Errno::enomem;
        at = area->end;
    }
    if (!has_room_to_split(addr, end))
        return Errno::enomem;
    split_at(addr);
    split_at(end);
    for (auto it = m_areas.lower_bound(addr); it != m_areas.end() && it->second.start < end; ++it)
        it->second.is_sealed = true;
    merge_around(addr, end);
    return {};
}

Result<void> MemoryMap::install_page(u64 va, frame::Frame frame)
{
    const Area* area = find_area(va);
    if (!area)
        return Errno::efault;
    m_vm->map(va, std::move(frame), effective_perms(area->prot));
    return {};
}

void MemoryMap::set_brk_start(u64 addr)
{
    m_brk_start = addr;
    m_brk = addr;
}

u64 MemoryMap::brk(u64 requested)
{
    if (requested < m_brk_start)
        return m_brk;
    u64 heap_start = page_round_up(m_brk_start);
    u64 old_end = page_round_up(m_brk);
    u64 new_end = page_round_up(requested);
    if (new_end < requested || new_end > mmap_top)
        return m_brk;
    if (new_end > old_end) {
        if (!is_range_free(old_end, new_end) || (new_end - heap_start) / page_size > frame::total_frames()
            || !fits_address_limit(new_end - old_end, 0, 0))
            return m_brk;
        // The heap grows by a new area that joins the top one when their flags agree, as
        // Linux's do_brk_flags does: a sealed or reprotected top keeps its own area, and the
        // growth is not sealed.
        m_areas.insert_or_assign(old_end, Area {old_end, new_end, frame::perm_read | frame::perm_write, "[heap]"});
        merge_around(old_end, new_end);
    } else if (new_end < old_end) {
        // Shrinking unmaps, which sealed memory refuses (mseal(2)): brk then stays.
        if (check_unsealed(new_end, old_end).is_error())
            return m_brk;
        remove_range(new_end, old_end);
    }
    m_brk = requested;
    return m_brk;
}

frame::FaultOutcome MemoryMap::fault_file_page(const Area& area, u64 page, frame::Access access)
{
    Inode& inode = *area.file->inode();
    u64 index = (page - area.start + area.file_offset) / page_size;
    auto size = inode.data_size();
    if (size.is_error())
        return frame::FaultOutcome::no_backing; // an I/O error is SIGBUS on Linux too
    u64 file_size = size.value();
    if (index * page_size >= page_round_up(file_size))
        return frame::FaultOutcome::no_backing; // past the end of the file: SIGBUS, as the mmap man page says
    auto cache = inode.page_cache();
    auto frame = cache->get(index, [&](u64 i, std::span<u8> bytes) { return inode.fill_page(i, bytes); });
    if (frame.is_error())
        return frame.error() == Errno::enomem ? frame::FaultOutcome::out_of_memory : frame::FaultOutcome::no_backing;
    u8 perms = effective_perms(area.prot);
    if (!area.is_shared && (perms & frame::perm_write)) {
        if (access == frame::Access::write) {
            // Copy on write right away: the private copy is this process's own.
            auto copy = alloc_frame();
            if (copy.is_error())
                return frame::FaultOutcome::out_of_memory;
            MUST(frame::FrameWriter(copy.value()).copy_from(frame.value()));
            m_vm->map(page, copy.release_value(), perms);
            return frame::FaultOutcome::handled;
        }
        perms &= ~frame::perm_write; // the first write will copy
    }
    m_vm->map(page, frame.release_value(), perms);
    map_file_neighbours(area, page, file_size);
    return frame::FaultOutcome::handled;
}

void MemoryMap::map_file_neighbours(const Area& area, u64 page, u64 file_size)
{
    // Fault-around: the rest of the aligned block, from the page cache, so that a program
    // reading through a mapped file (ld.so, libc) takes one fault per block, not per page.
    // Private writable pages go in read-only: their first write still copies.
    Inode& inode = *area.file->inode();
    auto cache = inode.page_cache();
    u8 perms = effective_perms(area.prot);
    if (!area.is_shared)
        perms &= ~frame::perm_write;
    u64 block = page & ~(fault_around_pages * page_size - 1);
    u64 first = std::max(block, area.start);
    u64 last = std::min(block + fault_around_pages * page_size, area.end);
    for (u64 va = first; va < last; va += page_size) {
        if (va == page || m_vm->query(va))
            continue;
        u64 index = (va - area.start + area.file_offset) / page_size;
        if (index * page_size >= file_size)
            break;
        auto frame = cache->get(index, [&](u64 i, std::span<u8> bytes) { return inode.fill_page(i, bytes); });
        if (frame.is_error())
            break;
        m_vm->map(va, frame.release_value(), perms);
    }
}

bool MemoryMap::grow_down_to(u64 addr)
{
    // Linux's stack_guard_gap: 256 pages kept free between a grown stack and the accessible
    // area below it.
    constexpr u64 stack_guard_gap = 256 * page_size;
    auto above = m_areas.upper_bound(addr);
    if (above == m_areas.end() || !above->second.grows_down || above->second.is_sealed)
        return false;
    u64 new_start = page_round_down(addr);
    if (above != m_areas.begin()) {
        const Area& below = std::prev(above)->second;
        bool is_accessible = (below.prot & (frame::perm_read | frame::perm_write | frame::perm_exec)) != 0;
        if (below.end > new_start || (is_accessible && !below.grows_down && new_start - below.end < stack_guard_gap))
            return false;
    }
    if (above->second.end - new_start > m_stack_limit || !fits_address_limit(above->second.start - new_start, 0, 0))
        return false;
    auto node = m_areas.extract(above);
    node.key() = new_start;
    node.mapped().start = new_start;
    m_areas.insert(std::move(node));
    return true;
}

frame::FaultOutcome MemoryMap::handle_fault(const frame::PageFault& fault)
{
    // Linux's rule: outside every mapping there was none (SEGV_MAPERR); inside one, the access
    // broke its permissions (SEGV_ACCERR).
    const Area* area = find_area(fault.addr);
    if (!area && grow_down_to(fault.addr))
        area = find_area(fault.addr);
    if (!area)
        return frame::FaultOutcome::no_mapping;
    if (!allows(area->prot, fault.access))
        return frame::FaultOutcome::access_denied;
    u64 page = page_round_down(fault.addr);
    if (auto present = m_vm->query(page)) {
        // Present but the page table refused the access: a write to a private page that is
        // shared (a page-cache page) copies it; anything else is a real protection fault.
        if (fault.access != frame::Access::write || area->is_shared || !(area->prot & frame::perm_write))
            return frame::FaultOutcome::access_denied;
        // The page table and `present` hold the only two handles: nobody else shares the page
        // any more (the other side of a fork copied it or went away), so it becomes writable.
        if (present->frame.share_count() <= 2) {
            m_vm->map(page, present->frame, effective_perms(area->prot));
            return frame::FaultOutcome::handled;
        }
        auto copy = alloc_frame();
        if (copy.is_error())
            return frame::FaultOutcome::out_of_memory;
        MUST(frame::FrameWriter(copy.value()).copy_from(present->frame));
        m_vm->map(page, copy.release_value(), effective_perms(area->prot));
        return frame::FaultOutcome::handled;
    }
    if (area->file)
        return fault_file_page(*area, page, fault.access);
    if (area->special != SpecialMapping::none)
        return fault_special_page(*area, page);
    u8 perms = effective_perms(area->prot);
    u64 block = page & ~(fault_around_pages * page_size - 1);
    u64 first = std::max(block, area->start);
    u64 last = std::min(block + fault_around_pages * page_size, area->end);
    for (u64 va = first; va < last; va += page_size) {
        if (va != page && m_vm->query(va))
            continue;
        auto frame = alloc_frame();
        if (frame.is_error()) {
            if (va <= page && page < va + page_size)
                return frame::FaultOutcome::out_of_memory;
            if (va > page)
                break;
            continue;
        }
        m_vm->map(va, frame.release_value(), perms);
    }
    return frame::FaultOutcome::handled;
}

} // namespace asterix::services
