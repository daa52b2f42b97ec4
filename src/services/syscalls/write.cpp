// write, writev

#include "services/syscalls/handlers.h"
#include "services/syscalls/iovec.h"

namespace asterix::services {

Result<long> sys_write(Context& ctx, int fd, UserPtr<u8> buf, u64 count)
{
    auto file = TRY(ctx.files().get(fd));
    if (!file->is_writable())
        return Errno::ebadf;
    auto reader = TRY(frame::UserReader::create(ctx.user(), buf.addr(), std::min(count, max_rw_count)));
    return TRY(file->write(reader));
}

Result<long> sys_writev(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt)
{
    auto file = TRY(ctx.files().get(fd));
    if (!file->is_writable())
        return Errno::ebadf;
    auto segments = TRY(read_iovecs(ctx, iov, iovcnt));
    u64 total = 0;
    for (const auto& segment : segments) {
        auto reader = TRY(frame::UserReader::create(ctx.user(), segment.base, segment.len));
        auto n = file->write(reader);
        if (n.is_error())
            return total ? Result<long>(static_cast<long>(total)) : n.error();
        total += n.value();
        if (n.value() < segment.len)
            break;
    }
    return static_cast<long>(total);
}

} // namespace asterix::services
