// write, writev, pwrite64, pwritev, pwritev2

#include "services/abi/uio.h"
#include "services/fs/permission.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/iovec.h"

namespace asterix::services {

namespace {

template<typename WriteOne>
Result<long> write_segments(Context& ctx, UserPtr<abi::IoVec> iov, int iovcnt, WriteOne&& write_one)
{
    auto segments = TRY(read_iovecs(ctx, iov, iovcnt));
    u64 total = 0;
    for (const auto& segment : segments) {
        auto reader = TRY(frame::UserReader::create(ctx.user(), segment.base, segment.len));
        auto n = write_one(reader, total);
        if (n.is_error())
            return total ? Result<long>(static_cast<long>(total)) : n.error();
        total += n.value();
        if (n.value() < segment.len)
            break;
    }
    return static_cast<long>(total);
}

Result<Ref<File>> writable_file(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    if (!file->is_writable())
        return Errno::ebadf;
    // A write by someone without CAP_FSETID takes setuid and setgid off the file (Linux's
    // file_remove_privs), so an altered program cannot run with its owner's IDs.
    if (Inode* inode = file->inode(); inode && inode->is_regular())
        TRY(remove_privs(ctx.thread().credentials(), *inode));
    return file;
}
} // namespace

Result<long> sys_write(Context& ctx, int fd, UserPtr<u8> buf, u64 count)
{
    auto file = TRY(writable_file(ctx, fd));
    auto reader = TRY(frame::UserReader::create(ctx.user(), buf.addr(), std::min(count, max_rw_count)));
    return TRY(file->write(reader));
}

Result<long> sys_writev(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt)
{
    auto file = TRY(writable_file(ctx, fd));
    if (Socket* socket = file->socket())
        return socket_writev(ctx, *socket, iov, iovcnt);
    return write_segments(ctx, iov, iovcnt, [&](frame::UserReader& reader, u64) { return file->write(reader); });
}

Result<long> sys_pwrite64(Context& ctx, int fd, UserPtr<u8> buf, u64 count, i64 offset)
{
    auto file = TRY(writable_file(ctx, fd));
    if (offset < 0)
        return Errno::einval;
    auto reader = TRY(frame::UserReader::create(ctx.user(), buf.addr(), std::min(count, max_rw_count)));
    return TRY(file->write_at(static_cast<u64>(offset), reader));
}

Result<long> sys_pwritev2(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt, i64 offset, int flags)
{
    if (flags & ~abi::rwf_supported)
        return Errno::enotsup;
    auto file = TRY(writable_file(ctx, fd));
    if (offset == -1)
        return write_segments(ctx, iov, iovcnt, [&](frame::UserReader& reader, u64) { return file->write(reader); });
    if (offset < 0)
        return Errno::einval;
    return write_segments(ctx, iov, iovcnt,
        [&](frame::UserReader& reader, u64 done) { return file->write_at(static_cast<u64>(offset) + done, reader); });
}

Result<long> sys_pwritev(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt, i64 offset)
{
    if (offset < 0)
        return Errno::einval;
    return sys_pwritev2(ctx, fd, iov, iovcnt, offset, 0);
}

} // namespace asterix::services
