#include "services/fs/page_cache.h"

#include <algorithm>
#include <deque>
#include <utility>
#include <vector>

#include "frame/frame_io.h"
#include "frame/vm_space.h"

namespace asterix::services {

namespace {
std::map<std::pair<u64, u64>, PageCache*>& host_caches()
{
    static std::map<std::pair<u64, u64>, PageCache*> caches;
    return caches;
}

/// How many host-file caches stay after their inodes went, the most recently opened ones: a
/// dynamic program and its libraries are a handful of files, a compiler run a few dozen.
constexpr usize kept_caches_max = 64;

/// The kept caches, least recently opened first. A kept cache nobody else holds has no inode,
/// hence no mapping: its pages are only the cache's, and shrink() may drop all of them.
std::deque<Ref<PageCache>>& kept_caches()
{
    static std::deque<Ref<PageCache>> kept;
    return kept;
}

/// Moves `cache` to the end of the kept list (or puts it there); returns whether it was there.
bool keep(const Ref<PageCache>& cache)
{
    auto& kept = kept_caches();
    auto it = std::find_if(kept.begin(), kept.end(), [&](const Ref<PageCache>& k) { return k.ptr() == cache.ptr(); });
    bool was_kept = it != kept.end();
    if (was_kept)
        kept.erase(it);
    kept.push_back(cache);
    if (kept.size() > kept_caches_max)
        kept.pop_front();
    return was_kept;
}
} // namespace

PageCache::~PageCache()
{
    if (m_is_registered)
        host_caches().erase({m_dev, m_ino});
}

Ref<PageCache> PageCache::for_host_file(u64 dev, u64 ino, const HostVersion& version)
{
    auto& caches = host_caches();
    if (caches.empty()) {
        // Kept pages give way to any allocation that would fail otherwise, not only to the
        // services' own (alloc_frame): the frame's allocator asks for them back.
        frame::set_reclaim_hook(&PageCache::shrink_host_caches);
    }
    auto it = caches.find({dev, ino});
    if (it != caches.end()) {
        Ref<PageCache> cache(it->second);
        // Held by the kept list and `cache` alone, it has no inode: the file may have changed
        // on the host meanwhile (or its inode number been reused), and the pages are nobody
        // else's. A cache in use stays as it is: its mappings and reads share those pages.
        bool was_kept = keep(cache);
        if (was_kept && cache->ref_count() == 2 && cache->m_version != version) {
            cache->m_pages.clear();
            cache->m_version = version;
        }
        return cache;
    }
    auto cache = make_ref<PageCache>();
    cache->m_dev = dev;
    cache->m_ino = ino;
    cache->m_version = version;
    cache->m_is_registered = true;
    caches[{dev, ino}] = cache.ptr();
    keep(cache);
    return cache;
}

usize PageCache::shrink_host_caches()
{
    usize freed = 0;
    for (auto& [key, cache] : host_caches())
        freed += cache->shrink();
    return freed;
}

Result<frame::Frame> alloc_frame()
{
    auto frame = frame::Frame::alloc_zeroed();
    if (frame.is_error() && PageCache::shrink_host_caches() > 0)
        frame = frame::Frame::alloc_zeroed();
    return frame;
}

Result<frame::Frame> PageCache::get(u64 index, const Filler& fill)
{
    if (auto it = m_pages.find(index); it != m_pages.end())
        return it->second;
    auto frame = TRY(alloc_frame());
    // The filler writes into a kernel buffer, not the frame in place: services hold no view of
    // a frame, and the page reaches the frame in one copy.
    std::vector<u8> buffer(page_size);
    TRY(fill(index, buffer));
    TRY(frame::FrameWriter(frame).write(0, buffer));
    m_pages.emplace(index, frame);
    return frame;
}

const frame::Frame* PageCache::find(u64 index) const
{
    auto it = m_pages.find(index);
    return it == m_pages.end() ? nullptr : &it->second;
}

void PageCache::update(u64 offset, std::span<const u8> bytes)
{
    if (m_pages.empty() || bytes.empty())
        return;
    u64 end = offset + bytes.size();
    for (auto it = m_pages.lower_bound(offset / page_size); it != m_pages.end() && it->first * page_size < end; ++it) {
        u64 page_start = it->first * page_size;
        u64 from = std::max(offset, page_start);
        u64 to = std::min(end, page_start + page_size);
        MUST(frame::FrameWriter(it->second).write(from - page_start, bytes.subspan(from - offset, to - from)));
    }
}

void PageCache::truncate(u64 size)
{
    u64 first_gone = page_round_up(size) / page_size;
    m_pages.erase(m_pages.lower_bound(first_gone), m_pages.end());
    if (size % page_size) {
        if (auto it = m_pages.find(size / page_size); it != m_pages.end()) {
            MUST(frame::FrameWriter(it->second).zero(size % page_size, page_size - size % page_size));
        }
    }
}

usize PageCache::shrink()
{
    usize freed = 0;
    std::erase_if(m_pages, [&](const auto& entry) {
        bool is_unused = entry.second.share_count() == 1;
        freed += is_unused;
        return is_unused;
    });
    return freed;
}

} // namespace asterix::services
