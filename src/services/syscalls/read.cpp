// read, readv, pread64, preadv, preadv2

#include "services/abi/inotify.h"
#include "services/abi/uio.h"
#include "services/fs/fs_notify.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/iovec.h"

namespace asterix::services {

namespace {

/// Reads into each segment in turn, stopping at a short read; an error after some bytes
/// returns the bytes.
template<typename ReadOne>
Result<long> read_segments(Context& ctx, UserPtr<abi::IoVec> iov, int iovcnt, ReadOne&& read_one)
{
    auto segments = TRY(read_iovecs(ctx, iov, iovcnt));
    u64 total = 0;
    for (const auto& segment : segments) {
        auto writer = TRY(frame::UserWriter::create(ctx.user(), segment.base, segment.len));
        auto n = read_one(writer, total);
        if (n.is_error())
            return total ? Result<long>(static_cast<long>(total)) : n.error();
        total += n.value();
        if (n.value() < segment.len)
            break;
    }
    return static_cast<long>(total);
}

Result<Ref<File>> readable_file(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    if (!file->is_readable())
        return Errno::ebadf;
    return file;
}
} // namespace

Result<long> sys_read(Context& ctx, int fd, UserPtr<u8> buf, u64 count)
{
    auto file = TRY(readable_file(ctx, fd));
    // Linux caps one read at MAX_RW_COUNT (2 GiB - 4 KiB).
    auto writer = TRY(frame::UserWriter::create(ctx.user(), buf.addr(), std::min(count, max_rw_count)));
    return TRY(file->read(writer));
}

Result<long> sys_readv(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt)
{
    auto file = TRY(readable_file(ctx, fd));
    if (Socket* socket = file->socket())
        return socket_readv(ctx, *socket, iov, iovcnt);
    return read_segments(ctx, iov, iovcnt, [&](frame::UserWriter& writer, u64) { return file->read(writer); });
}

Result<long> sys_pread64(Context& ctx, int fd, UserPtr<u8> buf, u64 count, i64 offset)
{
    auto file = TRY(readable_file(ctx, fd));
    if (offset < 0)
        return Errno::einval;
    auto writer = TRY(frame::UserWriter::create(ctx.user(), buf.addr(), std::min(count, max_rw_count)));
    usize n = TRY(file->read_at(static_cast<u64>(offset), writer));
    // A positioned read is a read for inotify too (IN_ACCESS, as Linux's vfs_read); read()
    // itself tells through the file.
    if (n > 0)
        fs_notify::file_event(*file, abi::in_access);
    return static_cast<long>(n);
}

Result<long> sys_preadv2(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt, i64 offset, int flags)
{
    if (flags & ~abi::rwf_supported)
        return Errno::enotsup;
    auto file = TRY(readable_file(ctx, fd));
    if (offset == -1)
        return read_segments(ctx, iov, iovcnt, [&](frame::UserWriter& writer, u64) { return file->read(writer); });
    if (offset < 0)
        return Errno::einval;
    long n = TRY(read_segments(ctx, iov, iovcnt,
        [&](frame::UserWriter& writer, u64 done) { return file->read_at(static_cast<u64>(offset) + done, writer); }));
    if (n > 0)
        fs_notify::file_event(*file, abi::in_access);
    return n;
}

Result<long> sys_preadv(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt, i64 offset)
{
    if (offset < 0)
        return Errno::einval;
    return sys_preadv2(ctx, fd, iov, iovcnt, offset, 0);
}

} // namespace asterix::services
