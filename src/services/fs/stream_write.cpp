#include "services/fs/stream_write.h"

#include <algorithm>
#include <vector>

namespace asterix::services {

Result<usize> write_through(frame::UserReader& in, const std::function<Result<usize>(std::span<const u8>)>& put)
{
    std::vector<u8> buffer(std::min<u64>(in.remaining(), stream_chunk_bytes));
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
            auto written = put(span);
            if (written.is_error())
                return total > 0 ? Result<usize>(total) : written.error();
            total += written.value();
            span = span.subspan(written.value());
        }
    }
    return total;
}

} // namespace asterix::services
