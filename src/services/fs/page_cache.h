#pragma once

#include <functional>
#include <map>
#include <span>

#include "frame/phys_mem.h"
#include "frame/ref.h"
#include "frame/result.h"

namespace asterix::services {

/// The cached pages of one file, shared by every open of it and every mapping: read and write
/// consult it, mmap maps its frames. Pages are frames of guest physical memory.
class PageCache : public RefCounted<PageCache> {
public:
    /// What tells one version of a host file's contents from another: a cache kept from an
    /// earlier open whose file no longer matches starts empty.
    struct HostVersion {
        i64 size;
        i64 mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
        bool operator==(const HostVersion&) const = default;
    };

    using Filler = std::function<Result<void>(u64 index, std::span<u8> page)>;

    PageCache() = default;
    ~PageCache();

    /// The page at `index`, filled by `fill` on a miss.
    Result<frame::Frame> get(u64 index, const Filler& fill);
    /// The page at `index` if it is cached.
    const frame::Frame* find(u64 index) const;
    bool is_empty() const { return m_pages.empty(); }
    const std::map<u64, frame::Frame>& pages() const { return m_pages; }

    /// Copies bytes written to the file at `offset` into the pages that are cached.
    void update(u64 offset, std::span<const u8> bytes);
    /// Drops pages wholly past `size` and zeroes the tail of the page that straddles it.
    void truncate(u64 size);
    /// Drops clean pages no mapping uses; returns how many frames came back.
    usize shrink();

    /// The shared cache of a host file, by device and inode number. Like Linux, which keeps a
    /// file's pages cached after its last close, the caches of recently opened host files
    /// outlive their inodes (a bounded number of them, and their unused pages go back when
    /// memory runs out), so that a program started again (ld.so, libc, cc1) finds its pages
    /// without reading the host file again.
    static Ref<PageCache> for_host_file(u64 dev, u64 ino, const HostVersion& version);
    /// The version of the host file the cached pages were read from.
    const HostVersion& host_version() const { return m_version; }
    /// Drops every host-file page no mapping uses; returns how many frames came back.
    static usize shrink_host_caches();

private:
    std::map<u64, frame::Frame> m_pages;
    u64 m_dev {0}, m_ino {0};
    HostVersion m_version {};
    bool m_is_registered {false};
};

/// A zeroed frame for guest memory or the page cache; when memory is short, clean page-cache
/// pages that nothing maps are dropped first. ENOMEM when there is still none.
Result<frame::Frame> alloc_frame();

} // namespace asterix::services
