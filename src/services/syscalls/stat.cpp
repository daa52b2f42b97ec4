// stat, lstat, fstat, newfstatat, statx, statfs, fstatfs

#include "services/abi/stat.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {


abi::Stat to_abi(const frame::FileStat& st)
{
    abi::Stat out {};
    out.dev = st.dev;
    out.ino = st.ino;
    out.nlink = st.nlink;
    out.mode = st.mode;
    out.uid = st.uid;
    out.gid = st.gid;
    out.rdev = st.rdev;
    out.size = st.size;
    out.blksize = st.blksize;
    out.blocks = st.blocks;
    out.atime_sec = static_cast<u64>(st.atime_sec);
    out.atime_nsec = static_cast<u64>(st.atime_nsec);
    out.mtime_sec = static_cast<u64>(st.mtime_sec);
    out.mtime_nsec = static_cast<u64>(st.mtime_nsec);
    out.ctime_sec = static_cast<u64>(st.ctime_sec);
    out.ctime_nsec = static_cast<u64>(st.ctime_nsec);
    return out;
}

// Linux's dev_t encoding (new_encode_dev / MAJOR / MINOR).
u32 dev_major(u64 dev) { return static_cast<u32>(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff)); }
u32 dev_minor(u64 dev) { return static_cast<u32>(((dev >> 12) & 0xffffff00) | (dev & 0xff)); }

/// The stat of what a path (or, with AT_EMPTY_PATH and "", the descriptor) names.
Result<frame::FileStat> stat_at(Context& ctx, int dirfd, UserPtr<char> path_ptr, int flags)
{
    std::string path = TRY(read_path(ctx, path_ptr));
    if (path.empty() && (flags & abi::at_empty_path) && dirfd != abi::at_fdcwd) {
        auto file = TRY(ctx.files().get(dirfd));
        return file->stat();
    }
    auto dentry = TRY(lookup_at(ctx, dirfd, path, flags));
    return dentry->inode().stat();
}

Result<long> write_statfs(Context& ctx, const frame::StatFs& st, UserPtr<abi::StatFs> buf)
{
    abi::StatFs out {};
    out.type = static_cast<i64>(st.type);
    out.bsize = static_cast<i64>(st.block_size);
    out.blocks = st.blocks;
    out.bfree = st.blocks_free;
    out.bavail = st.blocks_available;
    out.files = st.files;
    out.ffree = st.files_free;
    out.fsid = {static_cast<i32>(st.fsid), static_cast<i32>(st.fsid >> 32)};
    out.namelen = static_cast<i64>(st.name_max);
    out.frsize = static_cast<i64>(st.fragment_size);
    out.flags = static_cast<i64>(st.flags);
    TRY(ctx.user().write(buf, out));
    return 0;
}

} // namespace

Result<long> sys_fstat(Context& ctx, int fd, UserPtr<abi::Stat> buf)
{
    auto file = TRY(ctx.files().get(fd));
    auto st = TRY(file->stat());
    TRY(ctx.user().write(buf, to_abi(st)));
    return 0;
}

Result<long> sys_stat(Context& ctx, UserPtr<char> path, UserPtr<abi::Stat> buf)
{
    return sys_newfstatat(ctx, abi::at_fdcwd, path, buf, 0);
}

Result<long> sys_lstat(Context& ctx, UserPtr<char> path, UserPtr<abi::Stat> buf)
{
    return sys_newfstatat(ctx, abi::at_fdcwd, path, buf, abi::at_symlink_nofollow);
}

Result<long> sys_newfstatat(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<abi::Stat> buf, int flags)
{
    if (flags & ~(abi::at_symlink_nofollow | abi::at_empty_path | abi::at_no_automount))
        return Errno::einval;
    auto st = TRY(stat_at(ctx, dirfd, path, flags));
    TRY(ctx.user().write(buf, to_abi(st)));
    return 0;
}

Result<long> sys_statx(Context& ctx, int dirfd, UserPtr<char> path, int flags, u32 mask, UserPtr<abi::Statx> buf)
{
    if (flags & ~(abi::at_symlink_nofollow | abi::at_empty_path | abi::at_no_automount | abi::at_statx_sync_type))
        return Errno::einval;
    if ((flags & abi::at_statx_sync_type) == abi::at_statx_sync_type)
        return Errno::einval;
    if (mask & 0x80000000u) // STATX__RESERVED
        return Errno::einval;
    auto st = TRY(stat_at(ctx, dirfd, path, flags));
    abi::Statx out {};
    out.mask = abi::statx_basic_stats;
    out.blksize = static_cast<u32>(st.blksize);
    out.nlink = st.nlink;
    out.uid = st.uid;
    out.gid = st.gid;
    out.mode = static_cast<u16>(st.mode);
    out.ino = st.ino;
    out.size = static_cast<u64>(st.size);
    out.blocks = static_cast<u64>(st.blocks);
    out.atime = {st.atime_sec, static_cast<u32>(st.atime_nsec), 0};
    out.mtime = {st.mtime_sec, static_cast<u32>(st.mtime_nsec), 0};
    out.ctime = {st.ctime_sec, static_cast<u32>(st.ctime_nsec), 0};
    out.rdev_major = dev_major(st.rdev);
    out.rdev_minor = dev_minor(st.rdev);
    out.dev_major = dev_major(st.dev);
    out.dev_minor = dev_minor(st.dev);
    TRY(ctx.user().write(buf, out));
    return 0;
}

Result<long> sys_statfs(Context& ctx, UserPtr<char> path, UserPtr<abi::StatFs> buf)
{
    std::string name = TRY(read_path(ctx, path));
    auto dentry = TRY(lookup_at(ctx, abi::at_fdcwd, name, 0));
    return write_statfs(ctx, TRY(dentry->inode().statfs()), buf);
}

Result<long> sys_fstatfs(Context& ctx, int fd, UserPtr<abi::StatFs> buf)
{
    auto file = TRY(ctx.files().get(fd));
    if (!file->inode())
        return write_statfs(ctx, frame::StatFs {0x50495045 /* PIPEFS */, page_size, 0, 0, 0, 0, 0, 0, 255, page_size, 0}, buf);
    return write_statfs(ctx, TRY(file->inode()->statfs()), buf);
}

} // namespace asterix::services
