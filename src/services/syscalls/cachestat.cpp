// cachestat(2): how much of a range of a file is in the page cache.

#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
/// struct cachestat_range and struct cachestat (uapi linux/mman.h).
struct CachestatRange {
    u64 off;
    u64 len;
};
struct Cachestat {
    u64 nr_cache;
    u64 nr_dirty;
    u64 nr_writeback;
    u64 nr_evicted;
    u64 nr_recently_evicted;
};
} // namespace

Result<long> sys_cachestat(Context& ctx, u32 fd, UserPtr<u8> range_ptr, UserPtr<u8> stat_ptr, u32 flags)
{
    auto file = TRY(ctx.files().get(static_cast<int>(fd)));
    if (flags != 0)
        return Errno::einval;
    auto range = TRY(ctx.user().read(UserPtr<CachestatRange>(range_ptr.addr())));
    u64 first = range.off / page_size;
    u64 last = range.len == 0 || range.off + range.len < range.off ? ~0ull : (range.off + range.len - 1) / page_size;
    Cachestat stat {};
    // Files without a page cache (pipes, sockets) have an empty one, as far as Linux tells.
    if (Inode* inode = file->inode()) {
        if (auto cache = inode->page_cache()) {
            for (auto it = cache->pages().lower_bound(first); it != cache->pages().end() && it->first <= last; ++it)
                ++stat.nr_cache;
        }
    }
    TRY(ctx.user().write(UserPtr<Cachestat>(stat_ptr.addr()), stat));
    return 0;
}

} // namespace asterix::services
