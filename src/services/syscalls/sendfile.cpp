// sendfile, copy_file_range: copies between files inside the kernel.

#include <vector>

#include "services/syscalls/handlers.h"
#include "services/syscalls/iovec.h"

namespace asterix::services {

namespace {
constexpr usize chunk_bytes = 64 * 1024;

/// Copies up to `count` bytes from `in` to `out`, at explicit offsets when given.
Result<u64> copy_between(File& in, std::optional<u64>& in_offset, File& out, std::optional<u64>& out_offset, u64 count)
{
    std::vector<u8> buffer(std::min<u64>(count, chunk_bytes));
    u64 total = 0;
    while (total < count) {
        auto chunk = std::span(buffer).first(std::min<u64>(buffer.size(), count - total));
        auto writer = frame::UserWriter::for_kernel(chunk);
        auto got = in_offset ? in.read_at(*in_offset, writer) : in.read(writer);
        if (got.is_error())
            return total ? Result<u64>(total) : got.error();
        if (got.value() == 0)
            break;
        auto reader = frame::UserReader::for_kernel(chunk.first(got.value()));
        auto put = out_offset ? out.write_at(*out_offset, reader) : out.write(reader);
        if (put.is_error())
            return total ? Result<u64>(total) : put.error();
        if (in_offset)
            *in_offset += put.value();
        if (out_offset)
            *out_offset += put.value();
        total += put.value();
        if (put.value() < got.value())
            break; // FIXME: bytes read but not written are lost from a stream input, as on Linux
    }
    return total;
}
} // namespace

Result<long> sys_sendfile(Context& ctx, int out_fd, int in_fd, UserPtr<i64> offset_ptr, u64 count)
{
    auto in = TRY(ctx.files().get(in_fd));
    auto out = TRY(ctx.files().get(out_fd));
    if (!in->is_readable() || !out->is_writable())
        return Errno::ebadf;
    if (out->status_flags() & o_append)
        return Errno::einval;
    std::optional<u64> in_offset, out_offset;
    if (!offset_ptr.is_null()) {
        i64 offset = TRY(ctx.user().read(offset_ptr));
        if (offset < 0)
            return Errno::einval;
        in_offset = static_cast<u64>(offset);
    }
    u64 copied = TRY(copy_between(*in, in_offset, *out, out_offset, std::min(count, max_rw_count)));
    if (in_offset)
        TRY(ctx.user().write(offset_ptr, static_cast<i64>(*in_offset)));
    return static_cast<long>(copied);
}

Result<long> sys_copy_file_range(Context& ctx, int in_fd, UserPtr<i64> in_off, int out_fd, UserPtr<i64> out_off, u64 len, u32 flags)
{
    if (flags != 0)
        return Errno::einval;
    auto in = TRY(ctx.files().get(in_fd));
    auto out = TRY(ctx.files().get(out_fd));
    if (!in->is_readable() || !out->is_writable() || (out->status_flags() & o_append))
        return Errno::ebadf;
    if (!in->inode() || !out->inode())
        return Errno::einval;
    if (in->inode()->is_directory() || out->inode()->is_directory())
        return Errno::eisdir;
    if (!in->inode()->is_regular() || !out->inode()->is_regular())
        return Errno::einval;
    std::optional<u64> in_offset, out_offset;
    auto in_stat = TRY(in->stat());
    auto out_stat = TRY(out->stat());
    bool is_same_file = in_stat.dev == out_stat.dev && in_stat.ino == out_stat.ino;
    if (!in_off.is_null()) {
        i64 offset = TRY(ctx.user().read(in_off));
        if (offset < 0)
            return Errno::einval;
        in_offset = static_cast<u64>(offset);
    }
    if (!out_off.is_null()) {
        i64 offset = TRY(ctx.user().read(out_off));
        if (offset < 0)
            return Errno::einval;
        out_offset = static_cast<u64>(offset);
    }
    if (is_same_file) {
        // copy_file_range(2): EINVAL when the two ranges of one file overlap.
        u64 in_pos = in_offset ? *in_offset : static_cast<u64>(TRY(in->seek(0, Whence::cur)));
        u64 out_pos = out_offset ? *out_offset : static_cast<u64>(TRY(out->seek(0, Whence::cur)));
        if (in_pos < out_pos + len && out_pos < in_pos + len)
            return Errno::einval;
    }
    u64 copied = TRY(copy_between(*in, in_offset, *out, out_offset, std::min(len, max_rw_count)));
    if (in_offset)
        TRY(ctx.user().write(in_off, static_cast<i64>(*in_offset)));
    if (out_offset)
        TRY(ctx.user().write(out_off, static_cast<i64>(*out_offset)));
    return static_cast<long>(copied);
}

} // namespace asterix::services
