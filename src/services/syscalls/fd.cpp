// close, dup, dup2, dup3, fcntl, lseek, ioctl: operations on the descriptor table.

#include "services/abi/fcntl.h"
#include "services/abi/ioctls.h"
#include "services/syscalls/fcntl_lock.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/memfd.h"

namespace asterix::services {

namespace {
// Only these status flags can change after open (fcntl(2) F_SETFL).
constexpr u32 settable_flags = o_append | o_async | o_direct | o_noatime | o_nonblock;


u64 fd_limit(Context& ctx) { return ctx.process().rlimit(rlimit_nofile).cur; }
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
    case abi::f_dupfd:
    case abi::f_dupfd_cloexec:
        if (static_cast<i64>(static_cast<int>(arg)) < 0 || static_cast<u64>(static_cast<int>(arg)) >= fd_limit(ctx))
            return Errno::einval;
        return TRY(ctx.files().install(file, cmd == abi::f_dupfd_cloexec, static_cast<int>(arg), fd_limit(ctx)));
    case abi::f_getfd:
        return ctx.files().is_cloexec(fd) ? abi::fd_cloexec : 0;
    case abi::f_setfd:
        TRY(ctx.files().set_cloexec(fd, arg & abi::fd_cloexec));
        return 0;
    case abi::f_getfl:
        return file->status_flags();
    case abi::f_setfl:
        file->set_status_flags((file->status_flags() & ~settable_flags) | (static_cast<u32>(arg) & settable_flags));
        return 0;
    case abi::f_getlk:
    case abi::f_setlk:
    case abi::f_setlkw:
    case abi::f_ofd_getlk:
    case abi::f_ofd_setlk:
    case abi::f_ofd_setlkw:
        return fcntl_lock(ctx, *file, cmd, arg);
    case abi::f_getpipe_sz:
        return file->pipe_capacity(std::nullopt, false);
    case abi::f_setpipe_sz:
        return file->pipe_capacity(arg, ctx.thread().credentials().has_capability(abi::Capability::sys_resource));
    case abi::f_get_seals:
    case abi::f_add_seals:
        return fcntl_seals(ctx, *file, cmd, arg);
    default:
        return Errno::einval;
    }
}

Result<long> sys_close_range(Context& ctx, u32 first, u32 last, u32 flags)
{
    if (flags & ~(abi::close_range_unshare | abi::close_range_cloexec) || first > last)
        return Errno::einval;
    u64 limit = std::min<u64>(u64 {last} + 1, ctx.process().rlimit(rlimit_nofile).max);
    for (u64 fd = first; fd < limit; ++fd) {
        if (ctx.files().get(static_cast<int>(fd)).is_error())
            continue;
        if (flags & abi::close_range_cloexec)
            static_cast<void>(ctx.files().set_cloexec(static_cast<int>(fd), true));
        else
            static_cast<void>(ctx.files().close(static_cast<int>(fd)));
    }
    return 0;
}

Result<long> sys_lseek(Context& ctx, int fd, i64 offset, int whence)
{
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    if (whence < abi::seek_set || whence > abi::seek_end)
        return Errno::einval;
    return TRY(file->seek(offset, static_cast<Whence>(whence)));
}

Result<long> sys_ioctl(Context& ctx, int fd, u32 request, u64 arg)
{
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    switch (request) {
    case abi::fioclex:
    case abi::fionclex:
        TRY(ctx.files().set_cloexec(fd, request == abi::fioclex));
        return 0;
    case abi::fionbio: {
        // do_vfs_ioctl: FIONBIO sets or clears O_NONBLOCK on any file (sockets above all).
        i32 is_on = TRY(ctx.user().read(UserPtr<i32>(arg)));
        file->set_status_flags(is_on ? file->status_flags() | o_nonblock : file->status_flags() & ~o_nonblock);
        return 0;
    }
    case abi::fionread: {
        i32 count = TRY(file->bytes_ready());
        TRY(ctx.user().write(UserPtr<i32>(arg), count));
        return 0;
    }
    default:
        return TRY(file->ioctl(ctx, request, arg));
    }
}

} // namespace asterix::services
