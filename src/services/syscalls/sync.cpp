// fsync, fdatasync, sync, syncfs, fadvise64, readahead, sync_file_range

#include <limits>

#include "services/abi/fcntl.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_fsync(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    TRY(file->sync(false));
    return 0;
}

Result<long> sys_fdatasync(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    TRY(file->sync(true));
    return 0;
}

// Writes through hostfs reach the host at once and tmpfs has no backing store, so a sync has
// nothing left to push.
Result<long> sys_sync(Context& ctx) { return 0; }

Result<long> sys_syncfs(Context& ctx, int fd)
{
    TRY(ctx.files().get(fd));
    return 0;
}

Result<long> sys_fadvise64(Context& ctx, int fd, i64 offset, i64 len, int advice)
{
    auto file = TRY(ctx.files().get(fd));
    if (advice < 0 || advice > 5)
        return Errno::einval;
    if (!file->inode())
        return Errno::espipe;
    return 0;
}

Result<long> sys_readahead(Context& ctx, int fd, i64 offset, u64 count)
{
    // Linux's ksys_readahead: a descriptor open for reading, on a file with a page cache
    // (a regular file). Reads fill the cache on demand anyway, so there is nothing to start.
    auto file = TRY(ctx.files().get(fd));
    if (!file->is_readable())
        return Errno::ebadf;
    if (!file->inode() || !file->inode()->is_regular())
        return Errno::einval;
    return 0;
}

Result<long> sys_sync_file_range(Context& ctx, int fd, i64 offset, i64 nbytes, u32 flags)
{
    // sync_file_range(2): flags, then the range, then the descriptor, then the file type.
    if (flags & ~(abi::sync_file_range_wait_before | abi::sync_file_range_write | abi::sync_file_range_wait_after))
        return Errno::einval;
    if (offset < 0 || nbytes < 0)
        return Errno::einval;
    if (nbytes != 0 && offset > std::numeric_limits<i64>::max() - nbytes)
        return Errno::einval;
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    Inode* inode = file->inode();
    if (!inode || !(inode->is_regular() || inode->is_directory() || inode->is_symlink()))
        return Errno::espipe;
    if ((flags & abi::sync_file_range_write) && inode->is_regular())
        TRY(file->sync(true));
    return 0;
}

} // namespace asterix::services
