// splice, tee, vmsplice, fallocate: moving bytes through pipes, and making room in files.

#include <limits>
#include <vector>

#include "services/abi/splice.h"
#include "services/fs/inode.h"
#include "services/fs/pipe.h"
#include "services/fs/file_size_limit.h"
#include "services/abi/fcntl.h"
#include "services/abi/inotify.h"
#include "services/fs/fs_notify.h"
#include "services/mm/truncate.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {

/// How much one call moves at most (Linux moves at most a pipe's worth).
constexpr u64 chunk_bytes = 64 * 1024;

/// Makes `file` non-blocking for the length of one call when SPLICE_F_NONBLOCK asks for it.
class NonblockingFor {
public:
    NonblockingFor(File& file, bool is_wanted) : m_file(file), m_flags(file.status_flags())
    {
        if (is_wanted)
            file.set_status_flags(m_flags | o_nonblock);
    }
    ~NonblockingFor() { m_file.set_status_flags((m_file.status_flags() & ~o_nonblock) | (m_flags & o_nonblock)); }

private:
    File& m_file;
    u32 m_flags;
};

Result<std::optional<u64>> read_offset(Context& ctx, UserPtr<i64> where)
{
    if (where.is_null())
        return std::optional<u64>();
    i64 offset = TRY(ctx.user().read(where));
    if (offset < 0)
        return Errno::einval;
    return std::optional<u64>(static_cast<u64>(offset));
}

/// Reads up to `buffer.size()` bytes from `in`, at `offset` when given.
Result<usize> read_into(File& in, std::optional<u64>& offset, std::span<u8> buffer)
{
    auto writer = frame::UserWriter::for_kernel(buffer);
    usize n = offset ? TRY(in.read_at(*offset, writer)) : TRY(in.read(writer));
    if (offset)
        *offset += n;
    return n;
}

/// Writes all of `bytes` to `out`, at `offset` when given.
Result<usize> write_from(File& out, std::optional<u64>& offset, std::span<const u8> bytes)
{
    auto reader = frame::UserReader::for_kernel(bytes);
    usize n = offset ? TRY(out.write_at(*offset, reader)) : TRY(out.write(reader));
    if (offset)
        *offset += n;
    return n;
}

} // namespace

Result<long> sys_splice(Context& ctx, int fd_in, UserPtr<i64> off_in, int fd_out, UserPtr<i64> off_out, u64 len, u32 flags)
{
    // The checks in Linux's order (sys_splice, __do_splice, do_splice).
    if (len == 0)
        return 0;
    if (flags & ~abi::splice_f_all)
        return Errno::einval;
    auto in = TRY(ctx.files().get(fd_in));
    auto out = TRY(ctx.files().get(fd_out));
    PipeFile* in_pipe = in->as_pipe();
    PipeFile* out_pipe = out->as_pipe();
    if ((in_pipe && !off_in.is_null()) || (out_pipe && !off_out.is_null()))
        return Errno::espipe;
    auto in_offset = TRY(read_offset(ctx, off_in));
    auto out_offset = TRY(read_offset(ctx, off_out));
    if (!in->is_readable() || !out->is_writable())
        return Errno::ebadf;
    if (!in_pipe && !out_pipe)
        return Errno::einval;
    if (in_pipe && out_pipe && in_pipe->is_same_pipe(*out_pipe))
        return Errno::einval;
    // A positioned side must be a file that has positions.
    if ((in_offset && !in->inode()) || (out_offset && !out->inode()))
        return Errno::einval;
    if (!out_pipe && (out->status_flags() & o_append))
        return Errno::einval;
    bool is_nonblocking = flags & abi::splice_f_nonblock;
    u64 want = std::min(len, chunk_bytes);
    if (out_pipe) {
        usize room = out_pipe->free_bytes();
        if (room == 0 && (is_nonblocking || out->is_nonblocking()))
            return Errno::eagain;
        if (room > 0)
            want = std::min<u64>(want, room);
    }
    std::vector<u8> buffer(want);
    usize got;
    {
        NonblockingFor guard(*in, in_pipe && is_nonblocking);
        got = TRY(read_into(*in, in_offset, buffer));
    }
    usize put = 0;
    if (got > 0) {
        NonblockingFor guard(*out, out_pipe && is_nonblocking);
        put = TRY(write_from(*out, out_offset, std::span<const u8>(buffer).first(got)));
    }
    if (in_offset)
        TRY(ctx.user().write(off_in, static_cast<i64>(*in_offset)));
    if (out_offset)
        TRY(ctx.user().write(off_out, static_cast<i64>(*out_offset)));
    return static_cast<long>(put);
}

Result<long> sys_tee(Context& ctx, int fd_in, int fd_out, u64 len, u32 flags)
{
    if (flags & ~abi::splice_f_all)
        return Errno::einval;
    if (len == 0)
        return 0;
    auto in = TRY(ctx.files().get(fd_in));
    auto out = TRY(ctx.files().get(fd_out));
    if (!in->is_readable() || !out->is_writable())
        return Errno::ebadf;
    PipeFile* in_pipe = in->as_pipe();
    PipeFile* out_pipe = out->as_pipe();
    if (!in_pipe || !out_pipe || in_pipe->is_same_pipe(*out_pipe))
        return Errno::einval;
    bool is_nonblocking = (flags & abi::splice_f_nonblock) || in->is_nonblocking() || out->is_nonblocking();
    usize room = out_pipe->free_bytes();
    if (room == 0 && is_nonblocking)
        return Errno::eagain;
    std::vector<u8> buffer(std::min<u64>({len, chunk_bytes, room ? room : chunk_bytes}));
    usize got = TRY(in_pipe->peek(buffer, is_nonblocking));
    if (got == 0)
        return 0;
    NonblockingFor guard(*out, is_nonblocking);
    std::optional<u64> no_offset;
    return static_cast<long>(TRY(write_from(*out, no_offset, std::span<const u8>(buffer).first(got))));
}

Result<long> sys_vmsplice(Context& ctx, int fd, UserPtr<abi::IoVec> iov, u64 nr_segs, u32 flags)
{
    if (flags & ~abi::splice_f_all)
        return Errno::einval;
    auto file = TRY(ctx.files().get(fd));
    // The direction comes from the descriptor's access mode: into a pipe written to, out of
    // one read from; anything but a pipe is EBADF.
    if (!file->is_writable() && !file->is_readable())
        return Errno::ebadf;
    if (nr_segs > abi::iov_max)
        return Errno::einval;
    if (!file->as_pipe())
        return Errno::ebadf;
    NonblockingFor guard(*file, flags & abi::splice_f_nonblock);
    if (file->is_writable())
        return sys_writev(ctx, fd, iov, static_cast<int>(nr_segs));
    return sys_readv(ctx, fd, iov, static_cast<int>(nr_segs));
}

Result<long> sys_fallocate(Context& ctx, int fd, int mode, i64 offset, i64 len)
{
    // Linux's vfs_fallocate, check by check.
    if (offset < 0 || len <= 0)
        return Errno::einval;
    // The modes exclude each other; KEEP_SIZE goes with some (Linux 6.11 and later answer
    // EOPNOTSUPP for every mix they refuse).
    switch (mode & ~abi::falloc_fl_keep_size) {
    case 0:
    case abi::falloc_fl_unshare_range:
    case abi::falloc_fl_zero_range:
        break;
    case abi::falloc_fl_punch_hole:
        if (!(mode & abi::falloc_fl_keep_size))
            return Errno::enotsup;
        break;
    case abi::falloc_fl_collapse_range:
    case abi::falloc_fl_insert_range:
    case abi::falloc_fl_write_zeroes:
        if (mode & abi::falloc_fl_keep_size)
            return Errno::enotsup;
        break;
    default:
        return Errno::enotsup;
    }
    auto file = TRY(ctx.files().get(fd));
    if (!file->is_writable())
        return Errno::ebadf;
    Inode* inode = file->inode();
    if (file->as_pipe() || (inode && inode->type_bits() == abi::s_ififo))
        return Errno::espipe;
    if (!inode)
        return Errno::enodev;
    if (inode->is_directory())
        return Errno::eisdir;
    if (!inode->is_regular())
        return Errno::enodev;
    if (offset > std::numeric_limits<i64>::max() - len)
        return Errno::efbig;
    TRY(check_writable_fs(*file->dentry()));
    // The file system does the work and answers for what it cannot do: tmpfs allocates and
    // punches holes, hostfs asks the host's file system.
    TRY(file->allocate(mode, static_cast<u64>(offset), static_cast<u64>(len)));
    if (mode == abi::falloc_fl_collapse_range) {
        // The file shrank: mappings lose their pages past the new end, as after a truncate.
        unmap_truncated_pages(*inode, static_cast<u64>(TRY(file->stat()).size));
    }
    fs_notify::file_event(*file, abi::in_modify);
    return 0;
}

} // namespace asterix::services
