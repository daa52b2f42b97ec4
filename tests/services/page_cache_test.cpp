#include <doctest/doctest.h>

#include <array>
#include <vector>

#include "frame/frame_io.h"
#include "services/fs/page_cache.h"

using namespace asterix;
using namespace asterix::services;

namespace {

/// A file whose byte at position p is p % 251, read a page at a time by the cache's filler.
struct PatternFile {
    int fills {0};
    Result<void> fill(u64 index, std::span<u8> page)
    {
        ++fills;
        for (u64 i = 0; i < page.size(); ++i)
            page[i] = static_cast<u8>((index * page_size + i) % 251);
        return {};
    }
    PageCache::Filler filler()
    {
        return [this](u64 index, std::span<u8> page) { return fill(index, page); };
    }
};

u8 byte_at(const frame::Frame& page, u64 offset)
{
    std::array<u8, 1> one {};
    MUST(frame::FrameReader(page).read(offset, one));
    return one[0];
}

} // namespace

TEST_CASE("page cache: a miss fills the page once, a hit returns the same frame")
{
    PatternFile file;
    auto cache = make_ref<PageCache>();
    auto page = MUST(cache->get(3, file.filler()));
    CHECK(file.fills == 1);
    CHECK(byte_at(page, 0) == (3 * page_size) % 251);
    CHECK(byte_at(page, page_size - 1) == (4 * page_size - 1) % 251);
    auto again = MUST(cache->get(3, file.filler()));
    CHECK(file.fills == 1);
    CHECK(again.pfn() == page.pfn());
    CHECK(cache->find(3) != nullptr);
    CHECK(cache->find(2) == nullptr);
}

TEST_CASE("page cache: a failing filler caches nothing and gives the frame back")
{
    auto cache = make_ref<PageCache>();
    u64 free_before = frame::free_frames();
    auto failed = cache->get(0, [](u64, std::span<u8>) -> Result<void> { return Errno::eio; });
    CHECK(failed.error() == Errno::eio);
    CHECK(cache->is_empty());
    CHECK(frame::free_frames() == free_before);
}

TEST_CASE("page cache: update copies a write into the cached pages it covers, across a boundary")
{
    PatternFile file;
    auto cache = make_ref<PageCache>();
    auto first = MUST(cache->get(0, file.filler()));
    auto second = MUST(cache->get(1, file.filler()));
    std::vector<u8> data(10, 0xee);
    cache->update(page_size - 4, data); // 4 bytes in page 0, 6 in page 1
    CHECK(byte_at(first, page_size - 5) == (page_size - 5) % 251);
    CHECK(byte_at(first, page_size - 4) == 0xee);
    CHECK(byte_at(second, 5) == 0xee);
    CHECK(byte_at(second, 6) == (page_size + 6) % 251);
    // A write to a page that is not cached is left to the file: nothing gets cached.
    cache->update(5 * page_size, data);
    CHECK(cache->find(5) == nullptr);
}

TEST_CASE("page cache: truncate drops whole pages past the size and zeroes the straddling tail")
{
    PatternFile file;
    auto cache = make_ref<PageCache>();
    for (u64 i = 0; i < 4; ++i)
        MUST(cache->get(i, file.filler()));
    cache->truncate(page_size + 100);
    CHECK(cache->find(0) != nullptr);
    CHECK(cache->find(2) == nullptr);
    CHECK(cache->find(3) == nullptr);
    auto straddling = *cache->find(1);
    CHECK(byte_at(straddling, 99) == (page_size + 99) % 251);
    CHECK(byte_at(straddling, 100) == 0);
    CHECK(byte_at(straddling, page_size - 1) == 0);
    // A size on a page boundary keeps the page before it whole.
    cache->truncate(page_size);
    CHECK(cache->find(1) == nullptr);
    CHECK(byte_at(*cache->find(0), page_size - 1) == (page_size - 1) % 251);
    cache->truncate(0);
    CHECK(cache->is_empty());
}

TEST_CASE("page cache: shrink drops only the pages nobody else holds (a mapping keeps its page)")
{
    PatternFile file;
    auto cache = make_ref<PageCache>();
    auto mapped = MUST(cache->get(0, file.filler()));
    MUST(cache->get(1, file.filler()));
    MUST(cache->get(2, file.filler()));
    u64 free_before = frame::free_frames();
    CHECK(cache->shrink() == 2);
    CHECK(frame::free_frames() == free_before + 2);
    CHECK(cache->find(0) != nullptr);
    CHECK(cache->find(1) == nullptr);
    // The dropped page comes back from the file on the next miss.
    MUST(cache->get(1, file.filler()));
    CHECK(file.fills == 4);
}

TEST_CASE("page cache: a host file's cache is shared by device and inode, kept after it goes, and emptied when the file changed")
{
    PageCache::HostVersion version {100, 1, 0, 1, 0};
    auto cache = PageCache::for_host_file(77, 1234, version);
    CHECK(PageCache::for_host_file(77, 1234, version).ptr() == cache.ptr());
    CHECK(PageCache::for_host_file(77, 1235, version).ptr() != cache.ptr());
    PatternFile file;
    auto held = MUST(cache->get(0, file.filler())); // as a mapping would
    MUST(cache->get(1, file.filler()));
    CHECK(PageCache::shrink_host_caches() >= 1); // memory is short: host caches give back
    CHECK(cache->find(0) != nullptr);
    CHECK(cache->find(1) == nullptr);
    MUST(cache->get(2, file.filler()));
    cache = {};
    // Like Linux's page cache after the last close: the file opened again finds its pages.
    auto again = PageCache::for_host_file(77, 1234, version);
    CHECK(again->find(2) != nullptr);
    again = {};
    // The file changed on the host meanwhile: the kept pages are not its contents any more.
    PageCache::HostVersion changed_version {100, 2, 0, 2, 0};
    auto changed = PageCache::for_host_file(77, 1234, changed_version);
    CHECK(changed->find(2) == nullptr);
    // A cache in use stays as it is, whatever version an open names: its mappings share it.
    MUST(changed->get(3, file.filler()));
    CHECK(PageCache::for_host_file(77, 1234, version)->find(3) != nullptr);
}
