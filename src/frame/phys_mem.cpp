#include "frame/phys_mem.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "frame/arch.h"
#include "frame/internal.h"

namespace asterix::frame {

namespace {

/// The frame allocator: a free list of recycled frames over a bump pointer of never-used ones
/// (which are still zero in the sparse backing), and a share count per frame.
struct FrameAllocator {
    std::span<u8> direct_map;
    std::vector<u32> share_counts;
    std::vector<u64> free_list;
    u64 next_fresh {0};
    bool is_fresh_zeroed {true};
    u64 free_count {0};
    usize (*reclaim)() {nullptr};
};

FrameAllocator g_frames;

} // namespace

void init_phys_mem(u64 bytes)
{
    AX_ASSERT(g_frames.direct_map.empty());
    g_frames.direct_map = arch::init_phys_mem(bytes);
    g_frames.is_fresh_zeroed = arch::is_fresh_memory_zeroed();
    u64 count = g_frames.direct_map.size() / page_size;
    g_frames.share_counts.assign(count, 0);
    // Room for every frame up front: freeing a frame never allocates (on bare metal the kernel
    // heap grows from frames, so an allocation inside the allocator would re-enter it).
    g_frames.free_list.reserve(count);
    g_frames.free_count = count;
}

u64 total_frames() { return g_frames.share_counts.size(); }
u64 free_frames() { return g_frames.free_count; }

void set_reclaim_hook(usize (*reclaim)()) { g_frames.reclaim = reclaim; }

Result<Frame> Frame::alloc_zeroed()
{
    if (g_frames.free_list.empty() && g_frames.next_fresh >= g_frames.share_counts.size() && g_frames.reclaim)
        g_frames.reclaim(); // frees into the free list, or nothing (then ENOMEM below)
    u64 pfn;
    if (!g_frames.free_list.empty()) {
        pfn = g_frames.free_list.back();
        g_frames.free_list.pop_back();
        // SAFETY: pfn is a free frame inside the direct map; nothing else refers to it.
        std::memset(g_frames.direct_map.data() + pfn * page_size, 0, page_size);
    } else if (g_frames.next_fresh < g_frames.share_counts.size()) {
        pfn = g_frames.next_fresh++;
        if (!g_frames.is_fresh_zeroed)
            std::memset(g_frames.direct_map.data() + pfn * page_size, 0, page_size);
    } else {
        return Errno::enomem;
    }
    g_frames.share_counts[pfn] = 1;
    --g_frames.free_count;
    return Frame(pfn);
}

Frame::Frame(const Frame& other) : m_pfn(other.m_pfn)
{
    if (!is_null())
        ++g_frames.share_counts[m_pfn];
}

Frame::Frame(Frame&& other) noexcept : m_pfn(std::exchange(other.m_pfn, no_pfn)) {}

Frame& Frame::operator=(const Frame& other)
{
    if (this != &other) {
        Frame copy(other);
        *this = std::move(copy);
    }
    return *this;
}

Frame& Frame::operator=(Frame&& other) noexcept
{
    if (this != &other) {
        release();
        m_pfn = std::exchange(other.m_pfn, no_pfn);
    }
    return *this;
}

Frame::~Frame() { release(); }

void Frame::release()
{
    if (is_null())
        return;
    AX_ASSERT(g_frames.share_counts[m_pfn] > 0);
    if (--g_frames.share_counts[m_pfn] == 0) {
        g_frames.free_list.push_back(m_pfn);
        ++g_frames.free_count;
    }
    m_pfn = no_pfn;
}

std::span<u8> frame_direct_bytes(const Frame& frame)
{
    AX_ASSERT(!frame.is_null());
    return g_frames.direct_map.subspan(frame.m_pfn * page_size, page_size);
}

u32 Frame::share_count() const { return is_null() ? 0 : g_frames.share_counts[m_pfn]; }

} // namespace asterix::frame
