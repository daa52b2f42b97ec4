#include "services/fs/host_stream_file.h"

#include <vector>

#include "services/fs/stream_write.h"

namespace asterix::services {

Result<usize> HostStreamFile::read(frame::UserWriter& out)
{
    if (out.remaining() == 0)
        return 0;
    std::vector<u8> buffer(std::min<u64>(out.remaining(), stream_chunk_bytes));
    usize n = TRY(frame::console::read(m_stream, buffer));
    return TRY(out.write(std::span(buffer).first(n)));
}

Result<usize> HostStreamFile::write(frame::UserReader& in)
{
    return write_through(in, [this](std::span<const u8> span) { return frame::console::write(m_stream, span); });
}

Result<i64> HostStreamFile::seek(i64 offset, Whence whence)
{
    return frame::console::seek(m_stream, offset, static_cast<int>(whence));
}

} // namespace asterix::services
