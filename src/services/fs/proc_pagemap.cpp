#include "services/fs/proc_pagemap.h"

#include <algorithm>
#include <array>
#include <vector>

#include "services/fs/process_memory_file.h"

namespace asterix::services {

namespace {

constexpr u64 entry_bytes = 8;
/// The bits of an entry Linux sets for a page in memory, and for one mapped only here.
constexpr u64 pm_present = 1ull << 63;
constexpr u64 pm_exclusive = 1ull << 56;
constexpr u64 pm_soft_dirty = 1ull << 55;
constexpr u64 pm_pfn_mask = (1ull << 55) - 1;
/// Entries made by one read at most: a reader asking for more gets a short read and goes on.
constexpr u64 max_entries_per_read = 1u << 16;

class PagemapFile final : public ProcessMemoryFile {
public:
    PagemapFile(Ref<Dentry> dentry, u32 flags, i32 pid, bool shows_pfn)
        : ProcessMemoryFile(std::move(dentry), flags, pid), m_shows_pfn(shows_pfn)
    {
    }

    // Linux's pagemap_read: whole entries only, and nothing past the end of user space.
    Result<usize> read_at(u64 offset, frame::UserWriter& out) override
    {
        if (offset % entry_bytes || out.remaining() % entry_bytes)
            return Errno::einval;
        MemoryMap* memory = ProcessMemoryFile::memory();
        if (!memory)
            return 0; // the process has exited and its memory is gone
        u64 first_page = offset / entry_bytes;
        u64 end_page = frame::user_space_end / page_size;
        if (first_page >= end_page)
            return 0;
        u64 count = std::min({out.remaining() / entry_bytes, end_page - first_page, max_entries_per_read});
        std::vector<u8> bytes(count * entry_bytes);
        frame::VmSpace& vm = memory->vm();
        for (u64 i = 0; i < count; ++i) {
            u64 va = (first_page + i) * page_size;
            u64 entry = 0;
            // A page is soft-dirty when written since clear_refs 4 or in an area made since;
            // a page not present is when its area is (Linux's pagemap_pte_hole).
            const Area* area = memory->area_at(va);
            if (area && area->is_soft_dirty)
                entry |= pm_soft_dirty;
            if (auto mapping = vm.query(va)) {
                entry |= pm_present;
                if (mapping->is_soft_dirty)
                    entry |= pm_soft_dirty;
                if (mapping->frame.share_count() == 1)
                    entry |= pm_exclusive;
                if (m_shows_pfn)
                    entry |= mapping->frame.pfn() & pm_pfn_mask;
            }
            for (u64 b = 0; b < entry_bytes; ++b)
                bytes[i * entry_bytes + b] = static_cast<u8>(entry >> (8 * b));
        }
        return out.write(bytes);
    }

    Result<usize> write(frame::UserReader&) override { return Errno::ebadf; }

private:
    bool m_shows_pfn;
};

} // namespace

Ref<File> open_pagemap(Ref<Dentry> dentry, u32 flags, i32 pid, bool shows_pfn)
{
    return Ref<File>(make_ref<PagemapFile>(std::move(dentry), flags, pid, shows_pfn));
}

} // namespace asterix::services
