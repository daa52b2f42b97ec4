#pragma once

#include <map>

#include "frame/types.h"

namespace asterix::frame::arch {

/// An upper bound on the host mappings (VMAs) the guest range of one address-space process
/// holds. The host refuses an mmap, munmap or mprotect that would pass vm.max_map_count, and
/// the stub cannot fail, so the backend models every change it queues: each host mapping is
/// an interval here, split where the host may split it and never merged (the host merges
/// more, so it holds at most this many).
class HostMappings {
public:
    /// An mmap of [start, end): replaces what was there with one mapping.
    void map(u64 start, u64 end);
    /// A munmap of [start, end).
    void unmap(u64 start, u64 end);
    /// An mprotect of [start, end): the mappings that straddle its edges split.
    void protect(u64 start, u64 end);
    /// Everything in the guest range is gone (one munmap over all of it, which splits nothing).
    void clear() { m_ranges.clear(); }
    usize count() const { return m_ranges.size(); }

    /// Most host mappings one change can add (an mmap or mprotect inside one mapping: 1 -> 3).
    static constexpr usize max_growth_per_change = 2;
    /// How many guest-range host mappings one address-space process may hold: the host's
    /// vm.max_map_count (read once) less room for the stub's own mappings.
    static usize budget();

private:
    void split_at(u64 addr);
    std::map<u64, u64> m_ranges; // start -> end, disjoint
};

} // namespace asterix::frame::arch
