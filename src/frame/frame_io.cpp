#include "frame/frame_io.h"

#include <algorithm>

#include "frame/internal.h"

namespace asterix::frame {

namespace {

/// The part [offset, offset + len) of the frame's page; EINVAL when it leaves the page.
Result<std::span<u8>> checked_range(const Frame& frame, u64 offset, u64 len)
{
    if (frame.is_null() || offset > page_size || len > page_size - offset)
        return Errno::einval;
    // SAFETY: the handle keeps the frame allocated, and the range lies inside its page. The
    // bytes may change under a guest that maps the frame: callers copy them once, in one go.
    return frame_direct_bytes(frame).subspan(offset, len);
}

} // namespace

Result<void> FrameReader::read(u64 offset, std::span<u8> dst) const
{
    auto source = TRY(checked_range(m_frame, offset, dst.size()));
    std::copy(source.begin(), source.end(), dst.begin());
    return {};
}

Result<usize> FrameReader::read_to(u64 offset, u64 len, UserWriter& out) const
{
    auto source = TRY(checked_range(m_frame, offset, len));
    return out.write(source);
}

Result<void> FrameWriter::write(u64 offset, std::span<const u8> src) const
{
    auto target = TRY(checked_range(m_frame, offset, src.size()));
    std::copy(src.begin(), src.end(), target.begin());
    return {};
}

Result<void> FrameWriter::fill(u64 offset, u64 len, u8 value) const
{
    auto target = TRY(checked_range(m_frame, offset, len));
    std::fill(target.begin(), target.end(), value);
    return {};
}

Result<void> FrameWriter::copy_from(const Frame& source) const
{
    auto target = TRY(checked_range(m_frame, 0, page_size));
    auto from = TRY(checked_range(source, 0, page_size));
    std::copy(from.begin(), from.end(), target.begin());
    return {};
}

} // namespace asterix::frame
