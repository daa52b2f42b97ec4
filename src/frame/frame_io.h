#pragma once

#include <span>
#include <utility>

#include "frame/phys_mem.h"
#include "frame/result.h"
#include "frame/types.h"
#include "frame/user_io.h"

namespace asterix::frame {

// Services copy into and out of frames; they never hold a view of one. A guest may map a frame
// (the page cache, a pipe's pages are not mapped but share the allocator, a program's pages)
// and change it at any moment from another thread or process, so anything a service decides
// must be decided on its own copy. Every range is checked against the frame: EINVAL when it
// leaves the page or the handle is null, never a stray access.

/// Copies out of one frame. It holds a handle, so the frame lives as long as the reader.
class FrameReader {
public:
    /// A reader of `frame` (which may be null: every read then fails with EINVAL).
    explicit FrameReader(Frame frame) : m_frame(std::move(frame)) {}

    /// Copies dst.size() bytes from `offset` in the frame.
    Result<void> read(u64 offset, std::span<u8> dst) const;
    /// Copies up to `len` bytes from `offset` into guest memory (or a kernel buffer) through
    /// `out`; returns how many it took (fewer when `out` ends first). EFAULT from the writer.
    Result<usize> read_to(u64 offset, u64 len, UserWriter& out) const;

private:
    Frame m_frame;
};

/// Copies into one frame. It holds a handle, so the frame lives as long as the writer.
class FrameWriter {
public:
    /// A writer of `frame` (which may be null: every write then fails with EINVAL).
    explicit FrameWriter(Frame frame) : m_frame(std::move(frame)) {}

    /// Copies `src` to `offset` in the frame.
    Result<void> write(u64 offset, std::span<const u8> src) const;
    /// Sets `len` bytes from `offset` to `value`.
    Result<void> fill(u64 offset, u64 len, u8 value) const;
    /// Zeroes `len` bytes from `offset` (the tail of a page past a file's end, a bss).
    Result<void> zero(u64 offset, u64 len) const { return fill(offset, len, 0); }
    /// Copies the whole of `source` (copy on write). EINVAL when either handle is null.
    Result<void> copy_from(const Frame& source) const;

private:
    Frame m_frame;
};

} // namespace asterix::frame
