#include "services/syscalls/iovec.h"

namespace asterix::services {

Result<std::vector<abi::IoVec>> read_iovecs(Context& ctx, UserPtr<abi::IoVec> iov, int iovcnt)
{
    if (iovcnt < 0 || iovcnt > iov_max)
        return Errno::einval;
    std::vector<abi::IoVec> segments(static_cast<usize>(iovcnt));
    for (int i = 0; i < iovcnt; ++i)
        segments[i] = TRY(ctx.user().read(iov.element(i)));
    u64 total = 0;
    for (auto& segment : segments) {
        if (static_cast<i64>(segment.len) < 0 || segment.len > static_cast<u64>(INT64_MAX) - total)
            return Errno::einval;
        segment.len = std::min(segment.len, max_rw_count - std::min(total, max_rw_count));
        total += segment.len;
    }
    return segments;
}

} // namespace asterix::services
