#pragma once

#include <deque>
#include <span>

#include "frame/phys_mem.h"
#include "frame/result.h"

namespace asterix::services {

/// A pipe's contents, in frames (memory counted like the guest's, not the kernel heap): a
/// queue of bytes over a list of pages, which are taken as data comes and given back as it is
/// read.
class PipeRing {
public:
    usize size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    /// Copies up to dst.size() bytes from the front without taking them.
    usize peek(std::span<u8> dst) const;
    /// Takes `n` bytes (at most size()) from the front.
    void drop(usize n);
    /// Appends what fits in the pages it can get: all of `src`, or ENOMEM when not a byte
    /// could be stored.
    Result<usize> append(std::span<const u8> src);

private:
    std::deque<frame::Frame> m_pages;
    usize m_head {0}; ///< offset of the first byte in the first page
    usize m_size {0};
};

} // namespace asterix::services
