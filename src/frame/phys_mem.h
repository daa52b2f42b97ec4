#pragma once

#include <span>

#include "frame/result.h"
#include "frame/types.h"

namespace asterix::frame {

/// A counted handle to one 4 KiB physical page; the page is freed when the last handle goes.
/// Services never see a physical address or the page's bytes in place: a guest may map the
/// page and change it at any moment, so they copy through FrameReader and FrameWriter
/// (frame/frame_io.h).
class Frame {
public:
    /// Allocates a zero-filled frame; ENOMEM when physical memory is exhausted.
    static Result<Frame> alloc_zeroed();

    Frame() = default;
    Frame(const Frame& other);
    Frame(Frame&& other) noexcept;
    Frame& operator=(const Frame& other);
    Frame& operator=(Frame&& other) noexcept;
    ~Frame();

    bool is_null() const { return m_pfn == no_pfn; }
    /// The page frame number: the frame's offset in physical memory divided by the page size.
    u64 pfn() const { return m_pfn; }
    /// How many handles (and page-table entries) share this frame.
    u32 share_count() const;

private:
    // The frame and its backends reach the bytes in place through frame_direct_bytes()
    // (frame/internal.h); services cannot, and check_boundary.sh rejects any try.
    friend std::span<u8> frame_direct_bytes(const Frame& frame);

    static constexpr u64 no_pfn = ~0ull;
    explicit Frame(u64 pfn) : m_pfn(pfn) {}
    void release();

    u64 m_pfn {no_pfn};
};

/// Sets what the allocator calls when it has no free frame left, before it fails: a cache that
/// can give frames back (the services' page cache) frees what it can and returns how many.
/// One hook for the whole allocator; null for none.
void set_reclaim_hook(usize (*reclaim)());

/// Physical memory statistics.
u64 total_frames();
u64 free_frames();

/// Sets up physical memory of the given size (the boot path and unit tests call it once).
void init_phys_mem(u64 bytes);

} // namespace asterix::frame
