// The memory-lock state of a MemoryMap (mlock(2), mlockall(2)). Nothing is ever paged out
// here, so a lock changes no page: it is the VM_LOCKED mark that VmLck and RLIMIT_MEMLOCK
// count, split and merged with the areas like a protection change.

#include <algorithm>

#include "services/mm/memory_map.h"

namespace asterix::services {

Result<void> MemoryMap::set_locked(u64 start, u64 end, bool is_locked)
{
    for (u64 at = start; at < end;) {
        const Area* area = find_area(at);
        if (!area)
            return Errno::enomem;
        at = area->end;
    }
    if (!has_room_to_split(start, end))
        return Errno::enomem;
    split_at(start);
    split_at(end);
    for (auto it = m_areas.lower_bound(start); it != m_areas.end() && it->first < end; ++it)
        it->second.is_locked = is_locked;
    merge_around(start, end);
    return {};
}

void MemoryMap::set_all_locked(bool is_locked, bool is_future)
{
    for (auto& [start, area] : m_areas)
        area.is_locked = is_locked;
    m_is_locking_future = is_future;
}

u64 MemoryMap::locked_bytes_in(u64 start, u64 end) const
{
    u64 total = 0;
    for (const auto& [area_start, area] : m_areas) {
        if (!area.is_locked)
            continue;
        u64 from = std::max(start, area.start);
        u64 to = std::min(end, area.end);
        if (from < to)
            total += to - from;
    }
    return total;
}

u64 MemoryMap::mapped_bytes() const
{
    u64 total = 0;
    for (const auto& [start, area] : m_areas)
        total += area.end - area.start;
    return total;
}

} // namespace asterix::services
