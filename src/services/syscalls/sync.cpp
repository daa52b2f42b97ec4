// fsync, fdatasync, sync, syncfs, fadvise64

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

} // namespace asterix::services
