// read, readv

#include "services/syscalls/handlers.h"
#include "services/syscalls/iovec.h"

namespace asterix::services {

Result<long> sys_read(Context& ctx, int fd, UserPtr<u8> buf, u64 count)
{
    auto file = TRY(ctx.files().get(fd));
    if (!file->is_readable())
        return Errno::ebadf;
    // Linux caps one read at MAX_RW_COUNT (2 GiB - 4 KiB).
    auto writer = TRY(frame::UserWriter::create(ctx.user(), buf.addr(), std::min(count, max_rw_count)));
    return TRY(file->read(writer));
}

Result<long> sys_readv(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt)
{
    auto file = TRY(ctx.files().get(fd));
    if (!file->is_readable())
        return Errno::ebadf;
    auto segments = TRY(read_iovecs(ctx, iov, iovcnt));
    u64 total = 0;
    for (const auto& segment : segments) {
        auto writer = TRY(frame::UserWriter::create(ctx.user(), segment.base, segment.len));
        auto n = file->read(writer);
        if (n.is_error())
            return total ? Result<long>(static_cast<long>(total)) : n.error();
        total += n.value();
        if (n.value() < segment.len)
            break;
    }
    return static_cast<long>(total);
}

} // namespace asterix::services
