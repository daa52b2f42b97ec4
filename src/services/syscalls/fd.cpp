// close, dup, dup2, dup3, fcntl, lseek, ioctl: operations on the descriptor table.

#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
constexpr int o_cloexec = 02000000;
constexpr int f_dupfd = 0;
constexpr int f_getfd = 1;
constexpr int f_setfd = 2;
constexpr int f_getfl = 3;
constexpr int f_setfl = 4;
constexpr int f_dupfd_cloexec = 1030;
constexpr int fd_cloexec = 1;
// Only these status flags can change after open (fcntl(2) F_SETFL).
constexpr u32 settable_flags = 02000 /* O_APPEND */ | 020000 /* O_ASYNC */ | 040000 /* O_DIRECT */
    | 01000000 /* O_NOATIME */ | 04000 /* O_NONBLOCK */;
constexpr u32 fionclex = 0x5450;
constexpr u32 fioclex = 0x5451;

u64 fd_limit(Context& ctx) { return ctx.process().rlimits[rlimit_nofile].cur; }
} // namespace

Result<long> sys_close(Context& ctx, int fd)
{
    TRY(ctx.files().close(fd));
    return 0;
}

Result<long> sys_dup(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    return TRY(ctx.files().install(file, false, 0, fd_limit(ctx)));
}

Result<long> sys_dup2(Context& ctx, int old_fd, int new_fd)
{
    auto file = TRY(ctx.files().get(old_fd));
    if (old_fd == new_fd)
        return new_fd;
    TRY(ctx.files().install_at(new_fd, file, false, fd_limit(ctx)));
    return new_fd;
}

Result<long> sys_dup3(Context& ctx, int old_fd, int new_fd, int flags)
{
    if ((flags & ~o_cloexec) != 0 || old_fd == new_fd)
        return Errno::einval;
    auto file = TRY(ctx.files().get(old_fd));
    TRY(ctx.files().install_at(new_fd, file, flags & o_cloexec, fd_limit(ctx)));
    return new_fd;
}

Result<long> sys_fcntl(Context& ctx, int fd, int cmd, u64 arg)
{
    auto file = TRY(ctx.files().get(fd));
    switch (cmd) {
    case f_dupfd:
    case f_dupfd_cloexec:
        if (static_cast<i64>(static_cast<int>(arg)) < 0 || static_cast<u64>(static_cast<int>(arg)) >= fd_limit(ctx))
            return Errno::einval;
        return TRY(ctx.files().install(file, cmd == f_dupfd_cloexec, static_cast<int>(arg), fd_limit(ctx)));
    case f_getfd:
        return ctx.files().is_cloexec(fd) ? fd_cloexec : 0;
    case f_setfd:
        TRY(ctx.files().set_cloexec(fd, arg & fd_cloexec));
        return 0;
    case f_getfl:
        return file->status_flags();
    case f_setfl:
        file->set_status_flags((file->status_flags() & ~settable_flags) | (static_cast<u32>(arg) & settable_flags));
        return 0;
    default:
        return Errno::einval;
    }
}

Result<long> sys_lseek(Context& ctx, int fd, i64 offset, int whence)
{
    auto file = TRY(ctx.files().get(fd));
    if (whence < 0 || whence > 2)
        return Errno::einval;
    return TRY(file->seek(offset, static_cast<Whence>(whence)));
}

Result<long> sys_ioctl(Context& ctx, int fd, u32 request, u64 arg)
{
    auto file = TRY(ctx.files().get(fd));
    switch (request) {
    case fioclex:
    case fionclex:
        TRY(ctx.files().set_cloexec(fd, request == fioclex));
        return 0;
    default:
        return TRY(file->ioctl(ctx, request, arg));
    }
}

} // namespace asterix::services
