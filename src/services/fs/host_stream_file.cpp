#include "services/fs/host_stream_file.h"

#include <vector>

namespace asterix::services {

namespace {
constexpr usize chunk_bytes = 64 * 1024;
}

Result<usize> HostStreamFile::read(frame::UserWriter& out)
{
    if (out.remaining() == 0)
        return 0;
    std::vector<u8> buffer(std::min<u64>(out.remaining(), chunk_bytes));
    usize n = TRY(frame::console::read(m_stream, buffer));
    return TRY(out.write(std::span(buffer).first(n)));
}

Result<usize> HostStreamFile::write(frame::UserReader& in)
{
    std::vector<u8> buffer(std::min<u64>(in.remaining(), chunk_bytes));
    usize total = 0;
    while (in.remaining() > 0) {
        auto got = in.read(buffer);
        if (got.is_error()) {
            if (total > 0)
                break;
            return got.error();
        }
        auto span = std::span<const u8>(buffer).first(got.value());
        while (!span.empty()) {
            auto written = frame::console::write(m_stream, span);
            if (written.is_error())
                return total > 0 ? Result<usize>(total) : written.error();
            total += written.value();
            span = span.subspan(written.value());
        }
    }
    return total;
}

Result<i64> HostStreamFile::seek(i64 offset, Whence whence)
{
    return frame::console::seek(m_stream, offset, static_cast<int>(whence));
}

} // namespace asterix::services
