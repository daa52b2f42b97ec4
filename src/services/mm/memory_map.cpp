#include "services/mm/memory_map.h"

#include <algorithm>

#include "frame/phys_mem.h"

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
    m_vm->set_fault_handler([this](frame::VmSpace&, const frame::PageFault& fault) { return handle_fault(fault); });
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

Result<u64> MemoryMap::find_free(u64 len) const
{
    // Top down from mmap_top, like Linux's default layout.
    u64 end = mmap_top;
    for (auto it = m_areas.lower_bound(end); it != m_areas.begin();) {
        --it;
        const Area& area = it->second;
        if (area.end <= end && end - area.end >= len)
            return end - len;
        end = std::min(end, area.start);
    }
    if (end >= mmap_min_addr && end - mmap_min_addr >= len)
        return end - len;
    return Errno::enomem;
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
        area.end = addr;
        m_areas.emplace(addr, std::move(right));
    }
}

void MemoryMap::remove_range(u64 start, u64 end)
{
    split_at(start);
    split_at(end);
    auto it = m_areas.lower_bound(start);
    while (it != m_areas.end() && it->first < end)
        it = m_areas.erase(it);
    m_vm->unmap(start, end - start);
}

Result<u64> MemoryMap::map_anonymous(u64 addr, u64 len, u8 prot, Placement placement, std::string name)
{
    if (len == 0)
        return Errno::einval;
    u64 size = page_round_up(len);
    if (size < len || size > frame::user_space_end)
        return Errno::enomem;
    // Linux's heuristic overcommit: one mapping larger than all memory cannot succeed.
    if (size / page_size > frame::total_frames())
        return Errno::enomem;

    u64 start = 0;
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
        remove_range(addr, addr + size);
        start = addr;
        break;
    case Placement::hint:
        addr = page_round_down(addr);
        if (addr >= mmap_min_addr && addr <= frame::user_space_end - size && is_range_free(addr, addr + size)) {
            start = addr;
            break;
        }
        [[fallthrough]];
    case Placement::anywhere:
        start = TRY(find_free(size));
        break;
    }
    m_areas.insert_or_assign(start, Area {start, start + size, prot, std::move(name)});
    return start;
}

Result<void> MemoryMap::unmap(u64 addr, u64 len)
{
    if (!is_page_aligned(addr) || len == 0)
        return Errno::einval;
    u64 size = page_round_up(len);
    if (size < len || addr >= frame::user_space_end || size > frame::user_space_end - addr)
        return Errno::einval;
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
    split_at(addr);
    split_at(end);
    for (auto it = m_areas.lower_bound(addr); it != m_areas.end() && it->first < end; ++it)
        it->second.prot = prot;
    m_vm->protect(addr, size, effective_perms(prot));
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
        if (!is_range_free(old_end, new_end) || (new_end - heap_start) / page_size > frame::total_frames())
            return m_brk;
        // The heap is one area that grows in place.
        auto it = m_areas.find(heap_start);
        if (it != m_areas.end() && it->second.name == "[heap]")
            it->second.end = new_end;
        else
            m_areas.insert_or_assign(heap_start, Area {heap_start, new_end, frame::perm_read | frame::perm_write, "[heap]"});
    } else if (new_end < old_end) {
        remove_range(new_end, old_end);
    }
    m_brk = requested;
    return m_brk;
}

Result<void> MemoryMap::handle_fault(const frame::PageFault& fault)
{
    const Area* area = find_area(fault.addr);
    if (!area || !allows(area->prot, fault.access))
        return Errno::efault;
    u64 page = page_round_down(fault.addr);
    if (m_vm->query(page)) {
        // Present but the page table refused the access: with no copy-on-write yet, that is
        // a real protection fault.
        return Errno::efault;
    }
    u8 perms = effective_perms(area->prot);
    u64 block = page & ~(fault_around_pages * page_size - 1);
    u64 first = std::max(block, area->start);
    u64 last = std::min(block + fault_around_pages * page_size, area->end);
    for (u64 va = first; va < last; va += page_size) {
        if (va != page && m_vm->query(va))
            continue;
        auto frame = frame::Frame::alloc_zeroed();
        if (frame.is_error()) {
            if (va <= page && page < va + page_size) {
                is_out_of_memory = true;
                return Errno::enomem;
            }
            if (va > page)
                break;
            continue;
        }
        m_vm->map(va, frame.release_value(), perms);
    }
    return {};
}

} // namespace asterix::services
