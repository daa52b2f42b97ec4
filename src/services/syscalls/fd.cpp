// close, dup, dup2, dup3, fcntl, lseek, ioctl: operations on the descriptor table.

#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
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
constexpr int f_getlk = 5;
constexpr int f_setlk = 6;
constexpr int f_setlkw = 7;
constexpr int f_ofd_getlk = 36;
constexpr int f_ofd_setlk = 37;
constexpr int f_ofd_setlkw = 38;
constexpr int f_setpipe_sz = 1031;
constexpr int f_getpipe_sz = 1032;
constexpr int f_add_seals = 1033;
constexpr int f_get_seals = 1034;
constexpr u32 fionclex = 0x5450;
constexpr u32 fioclex = 0x5451;
constexpr u32 fionread = 0x541b;
constexpr u32 close_range_unshare = 1u << 1;
constexpr u32 close_range_cloexec = 1u << 2;
constexpr i16 f_unlck = 2;

/// struct flock: the lock a F_GETLK caller asks about.
struct Flock {
    i16 type;
    i16 whence;
    i32 pad;
    i64 start;
    i64 len;
    i32 pid;
    i32 pad2;
};

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
    case f_getlk:
    case f_ofd_getlk: {
        // FIXME: locks are advisory no-ops that always succeed: with one process tree and no
        // lock table, nothing ever conflicts, so F_GETLK reports the range as free.
        Flock lock = TRY(ctx.user().read(UserPtr<Flock>(arg)));
        if (lock.type < 0 || lock.type > f_unlck)
            return Errno::einval;
        lock.type = f_unlck;
        TRY(ctx.user().write(UserPtr<Flock>(arg), lock));
        return 0;
    }
    case f_setlk:
    case f_setlkw:
    case f_ofd_setlk:
    case f_ofd_setlkw: {
        Flock lock = TRY(ctx.user().read(UserPtr<Flock>(arg)));
        if (lock.type < 0 || lock.type > f_unlck || lock.whence < 0 || lock.whence > 2)
            return Errno::einval;
        if ((lock.type == 0 && !file->is_readable()) || (lock.type == 1 && !file->is_writable()))
            return Errno::ebadf;
        return 0;
    }
    case f_getpipe_sz:
    case f_setpipe_sz:
        if (file->inode())
            return Errno::ebadf;
        return 65536;
    case f_get_seals:
    case f_add_seals:
        return Errno::einval;
    default:
        return Errno::einval;
    }
}

Result<long> sys_close_range(Context& ctx, u32 first, u32 last, u32 flags)
{
    if (flags & ~(close_range_unshare | close_range_cloexec) || first > last)
        return Errno::einval;
    u64 limit = std::min<u64>(u64 {last} + 1, ctx.process().rlimits[rlimit_nofile].max);
    for (u64 fd = first; fd < limit; ++fd) {
        if (ctx.files().get(static_cast<int>(fd)).is_error())
            continue;
        if (flags & close_range_cloexec)
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
    if (whence < 0 || whence > 2)
        return Errno::einval;
    return TRY(file->seek(offset, static_cast<Whence>(whence)));
}

Result<long> sys_ioctl(Context& ctx, int fd, u32 request, u64 arg)
{
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    switch (request) {
    case fioclex:
    case fionclex:
        TRY(ctx.files().set_cloexec(fd, request == fioclex));
        return 0;
    case fionread: {
        i32 count = TRY(file->bytes_ready());
        TRY(ctx.user().write(UserPtr<i32>(arg), count));
        return 0;
    }
    default:
        return TRY(file->ioctl(ctx, request, arg));
    }
}

} // namespace asterix::services
