#include "services/fs/text_file.h"

#include <array>

#include "frame/bytes.h"

namespace asterix::services {

Result<usize> TextFile::read(frame::UserWriter& out)
{
    usize n = TRY(read_at(m_offset, out));
    m_offset += n;
    return n;
}

Result<usize> TextFile::read_at(u64 offset, frame::UserWriter& out)
{
    if (offset >= m_text.size())
        return 0;
    return out.write(text_bytes(m_text).subspan(offset));
}

Result<usize> TextFile::write(frame::UserReader& in)
{
    if (!m_set)
        return Errno::eacces;
    if (in.remaining() == 0)
        return 0;
    // A write past the start of a sysctl is taken and ignored (Linux's sysctl_writes_strict,
    // on by default, for numbers); a write moves the position as any write does.
    if (m_offset != 0) {
        usize ignored = in.remaining();
        m_offset += ignored;
        return ignored;
    }
    // A sysctl number is short (Linux's proc_get_long reads at most 22 bytes of it).
    constexpr usize max_text_bytes = 64;
    if (in.remaining() > max_text_bytes)
        return Errno::einval;
    std::array<u8, max_text_bytes> buffer {};
    usize n = TRY(in.read(std::span<u8>(buffer).first(static_cast<usize>(in.remaining()))));
    std::string text(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    TRY(m_set(text));
    m_offset += n;
    return n;
}

Result<i64> TextFile::seek(i64 offset, Whence whence)
{
    i64 base = whence == Whence::set ? 0 : whence == Whence::cur ? static_cast<i64>(m_offset) : static_cast<i64>(m_text.size());
    if (base + offset < 0)
        return Errno::einval;
    m_offset = static_cast<u64>(base + offset);
    return static_cast<i64>(m_offset);
}

} // namespace asterix::services
