#include "host_arch/host_mappings.h"

#include <cstdio>

namespace asterix::frame::arch {

namespace {

/// Linux's default vm.max_map_count, for a host whose /proc says nothing.
constexpr usize default_max_map_count = 65530;
/// Host mappings of an address-space process outside the guest range: the stub's code and
/// data pages and whatever the stub may add later (stacks, request pages), with a margin.
constexpr usize stub_reserve = 256;

usize read_max_map_count()
{
    std::FILE* file = std::fopen("/proc/sys/vm/max_map_count", "re");
    if (!file)
        return default_max_map_count;
    unsigned long long value = 0;
    bool is_read = std::fscanf(file, "%llu", &value) == 1;
    std::fclose(file);
    return is_read && value > 0 ? static_cast<usize>(value) : default_max_map_count;
}

} // namespace

usize HostMappings::budget()
{
    static const usize value = [] {
        usize limit = read_max_map_count();
        // A host with a tiny limit still gets half of it for the guest; the stub needs two.
        return limit > 2 * stub_reserve ? limit - stub_reserve : limit / 2;
    }();
    return value;
}

void HostMappings::split_at(u64 addr)
{
    auto it = m_ranges.upper_bound(addr);
    if (it == m_ranges.begin())
        return;
    --it;
    if (it->first < addr && addr < it->second) {
        u64 end = it->second;
        it->second = addr;
        m_ranges.emplace(addr, end);
    }
}

void HostMappings::unmap(u64 start, u64 end)
{
    if (start >= end)
        return;
    split_at(start);
    split_at(end);
    auto it = m_ranges.lower_bound(start);
    while (it != m_ranges.end() && it->first < end)
        it = m_ranges.erase(it);
}

void HostMappings::map(u64 start, u64 end)
{
    unmap(start, end);
    if (start < end)
        m_ranges.emplace(start, end);
}

void HostMappings::protect(u64 start, u64 end)
{
    if (start >= end)
        return;
    split_at(start);
    split_at(end);
}

} // namespace asterix::frame::arch
