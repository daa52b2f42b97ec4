#include <doctest/doctest.h>

#include "host_arch/host_mappings.h"

using namespace asterix;
using frame::arch::HostMappings;

namespace {
constexpr u64 page = 4096;
}

TEST_CASE("host mappings: a change inside one mapping splits it, as the host would")
{
    HostMappings maps;
    maps.map(0, 16 * page);
    CHECK(maps.count() == 1);
    maps.protect(4 * page, 5 * page);
    CHECK(maps.count() == 3);
    maps.unmap(8 * page, 9 * page);
    CHECK(maps.count() == 4);
    // An mmap over several pieces replaces them with one.
    maps.map(0, 16 * page);
    CHECK(maps.count() == 1);
}

TEST_CASE("host mappings: every other page unmapped leaves one mapping each, and clear drops all")
{
    HostMappings maps;
    maps.map(0, 1024 * page);
    for (u64 i = 0; i < 1024; i += 2)
        maps.unmap(i * page, (i + 1) * page);
    CHECK(maps.count() == 512);
    maps.unmap(0, 1024 * page);
    CHECK(maps.count() == 0);
    maps.map(0, page);
    maps.clear();
    CHECK(maps.count() == 0);
}

TEST_CASE("host mappings: there is a budget, and one change adds at most two mappings")
{
    CHECK(HostMappings::budget() > 0);
    CHECK(HostMappings::max_growth_per_change == 2);
}
