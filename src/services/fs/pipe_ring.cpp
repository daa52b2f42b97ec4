#include "services/fs/pipe_ring.h"

#include <algorithm>

#include "frame/frame_io.h"

namespace asterix::services {

usize PipeRing::peek(std::span<u8> dst) const
{
    usize n = std::min(dst.size(), m_size);
    usize at = m_head;
    for (usize copied = 0, page = 0; copied < n; ++page, at = 0) {
        usize part = std::min<usize>(page_size - at, n - copied);
        MUST(frame::FrameReader(m_pages[page]).read(at, dst.subspan(copied, part)));
        copied += part;
    }
    return n;
}

void PipeRing::drop(usize n)
{
    n = std::min(n, m_size);
    m_size -= n;
    m_head += n;
    while (m_head >= page_size || (m_size == 0 && !m_pages.empty())) {
        m_pages.pop_front();
        m_head = m_head >= page_size ? m_head - page_size : 0;
    }
    if (m_size == 0)
        m_head = 0;
}

Result<usize> PipeRing::append(std::span<const u8> src)
{
    usize stored = 0;
    while (stored < src.size()) {
        usize end = m_head + m_size; // where the next byte goes, from the first page's start
        if (end == m_pages.size() * page_size) {
            auto page = frame::Frame::alloc_zeroed();
            if (page.is_error())
                return stored ? Result<usize>(stored) : page.error();
            m_pages.push_back(page.release_value());
        }
        usize in_page = end % page_size;
        usize part = std::min<usize>(page_size - in_page, src.size() - stored);
        MUST(frame::FrameWriter(m_pages[end / page_size]).write(in_page, src.subspan(stored, part)));
        stored += part;
        m_size += part;
    }
    return stored;
}

} // namespace asterix::services
