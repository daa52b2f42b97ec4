// chmod, fchmod, fchmodat, chown, fchown, lchown, fchownat, utimensat, truncate, ftruncate,
// access, faccessat, faccessat2

#include <limits>

#include "services/mm/truncate.h"
#include "services/abi/fcntl.h"
#include "services/abi/stat.h"
#include "services/abi/inotify.h"
#include "services/fs/file_size_limit.h"
#include "services/fs/fs_notify.h"
#include "services/fs/permission.h"
#include "services/fs/write_access.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {

/// Checks a change of attributes against the caller's credentials (prepare_set_attr), then
/// makes it.
Result<void> apply(Context& ctx, Dentry& dentry, SetAttr attr)
{
    TRY(check_writable_fs(dentry));
    const Credentials& creds = ctx.thread().credentials();
    TRY(prepare_set_attr(creds, dentry.inode(), attr));
    if (attr.size) {
        // truncate(2) of a setuid file by someone without CAP_FSETID clears it, as a write does.
        auto st = TRY(dentry.inode().stat());
        if (auto mode = mode_without_privs(creds, st))
            attr.mode = *mode;
    }
    TRY(dentry.inode().set_attr(attr));
    if (attr.size)
        unmap_truncated_pages(dentry.inode(), *attr.size);
    // A change of size is a modification; of mode, owner or times an attribute change.
    bool is_attr_change = attr.mode || attr.uid || attr.gid || attr.has_times || attr.is_chown;
    fs_notify::object_event(dentry, (attr.size ? abi::in_modify : 0) | (is_attr_change ? abi::in_attrib : 0));
    return {};
}

Result<Ref<Dentry>> path_or_fd(Context& ctx, int dirfd, UserPtr<char> path, int flags)
{
    std::string name = TRY(read_path(ctx, path));
    return lookup_at(ctx, dirfd, name, flags);
}

/// chown's arguments: -1 leaves an ID as it is.
SetAttr owner_change(u32 uid, u32 gid)
{
    SetAttr attr;
    attr.is_chown = true;
    if (uid != ~0u)
        attr.uid = uid;
    if (gid != ~0u)
        attr.gid = gid;
    return attr;
}

Result<Ref<Dentry>> fd_dentry(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    if (!file->dentry())
        return Errno::einval; // FIXME: pipes and the console have no inode to change
    return Ref<Dentry>(file->dentry());
}
} // namespace

Result<long> sys_fchmodat(Context& ctx, int dirfd, UserPtr<char> path, u32 mode)
{
    auto dentry = TRY(path_or_fd(ctx, dirfd, path, 0));
    SetAttr attr;
    attr.mode = mode;
    TRY(apply(ctx, *dentry, attr));
    return 0;
}

Result<long> sys_chmod(Context& ctx, UserPtr<char> path, u32 mode) { return sys_fchmodat(ctx, abi::at_fdcwd, path, mode); }

Result<long> sys_fchmod(Context& ctx, int fd, u32 mode)
{
    auto dentry = TRY(fd_dentry(ctx, fd));
    SetAttr attr;
    attr.mode = mode;
    TRY(apply(ctx, *dentry, attr));
    return 0;
}

Result<long> sys_fchownat(Context& ctx, int dirfd, UserPtr<char> path, u32 uid, u32 gid, int flags)
{
    if (flags & ~(abi::at_symlink_nofollow | abi::at_empty_path))
        return Errno::einval;
    auto dentry = TRY(path_or_fd(ctx, dirfd, path, flags));
    TRY(apply(ctx, *dentry, owner_change(uid, gid)));
    return 0;
}

Result<long> sys_chown(Context& ctx, UserPtr<char> path, u32 uid, u32 gid) { return sys_fchownat(ctx, abi::at_fdcwd, path, uid, gid, 0); }
Result<long> sys_lchown(Context& ctx, UserPtr<char> path, u32 uid, u32 gid)
{
    return sys_fchownat(ctx, abi::at_fdcwd, path, uid, gid, abi::at_symlink_nofollow);
}

Result<long> sys_fchown(Context& ctx, int fd, u32 uid, u32 gid)
{
    auto dentry = TRY(fd_dentry(ctx, fd));
    TRY(apply(ctx, *dentry, owner_change(uid, gid)));
    return 0;
}

Result<long> sys_utimensat(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<abi::Timespec2> times, int flags)
{
    if (flags & ~(abi::at_symlink_nofollow | abi::at_empty_path))
        return Errno::einval;
    SetAttr attr;
    attr.has_times = true;
    attr.atime_nsec = attr.mtime_nsec = -1;
    if (!times.is_null()) {
        auto value = TRY(ctx.user().read(times));
        auto convert = [](const abi::Timespec& ts, i64& sec, i64& nsec) -> Result<void> {
            if (ts.nsec == abi::utime_now) {
                nsec = -1;
            } else if (ts.nsec == abi::utime_omit) {
                nsec = -2;
            } else {
                if (ts.nsec < 0 || ts.nsec >= 1'000'000'000)
                    return Errno::einval;
                sec = ts.sec;
                nsec = ts.nsec;
            }
            return {};
        };
        TRY(convert(value.atime, attr.atime_sec, attr.atime_nsec));
        TRY(convert(value.mtime, attr.mtime_sec, attr.mtime_nsec));
    }
    Ref<Dentry> dentry;
    if (path.is_null()) {
        // utimensat(fd, NULL, ...) is futimens: the descriptor itself.
        if (dirfd == abi::at_fdcwd)
            return Errno::efault;
        dentry = TRY(fd_dentry(ctx, dirfd));
    } else {
        dentry = TRY(path_or_fd(ctx, dirfd, path, flags));
    }
    // utimensat(2): with both times UTIME_OMIT nothing changes and nothing is checked.
    if (attr.atime_nsec == -2 && attr.mtime_nsec == -2)
        return 0;
    TRY(apply(ctx, *dentry, attr));
    return 0;
}

Result<long> sys_truncate(Context& ctx, UserPtr<char> path, i64 length)
{
    if (length < 0)
        return Errno::einval;
    std::string name = TRY(read_path(ctx, path));
    auto dentry = TRY(lookup_at(ctx, abi::at_fdcwd, name, 0));
    if (dentry->inode().is_directory())
        return Errno::eisdir;
    if (!dentry->inode().is_regular())
        return Errno::einval;
    // A running program's file may not change under it (ETXTBSY), nor grow past RLIMIT_FSIZE.
    TRY(check_not_executing(dentry->inode()));
    TRY(check_file_size_limit(static_cast<u64>(length)));
    SetAttr attr;
    attr.size = static_cast<u64>(length);
    TRY(apply(ctx, *dentry, attr));
    return 0;
}

Result<long> sys_ftruncate(Context& ctx, int fd, i64 length)
{
    if (length < 0)
        return Errno::einval;
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    if (!file->is_writable() || !file->inode() || !file->inode()->is_regular())
        return file->inode() && file->inode()->is_directory() ? Errno::eisdir : Errno::einval;
    TRY(check_writable_fs(*file->dentry()));
    TRY(check_file_size_limit(static_cast<u64>(length)));
    TRY(remove_privs(ctx.thread().credentials(), *file->inode()));
    TRY(file->truncate(static_cast<u64>(length)));
    unmap_truncated_pages(*file->inode(), static_cast<u64>(length));
    return 0;
}

Result<long> sys_faccessat2(Context& ctx, int dirfd, UserPtr<char> path, int mode, int flags)
{
    if (mode & ~(abi::r_ok | abi::w_ok | abi::x_ok))
        return Errno::einval;
    if (flags & ~(abi::at_symlink_nofollow | abi::at_empty_path | abi::at_eaccess))
        return Errno::einval;
    auto dentry = TRY(path_or_fd(ctx, dirfd, path, flags));
    auto st = TRY(dentry->inode().stat());
    if ((mode & abi::w_ok) && dentry->inode().fs().is_read_only() && !dentry->inode().is_symlink()
        && (dentry->inode().is_regular() || dentry->inode().is_directory()))
        return Errno::erofs;
    // access(2) checks as the real IDs would, with capabilities only if the real uid is 0
    // (Linux's access_override_creds); AT_EACCESS as the caller is.
    Ref<const Credentials> creds = ctx.thread().credentials_ref();
    if (!(flags & abi::at_eaccess)) {
        auto real = creds->copy();
        real->fsuid = real->uid;
        real->fsgid = real->gid;
        real->effective = real->uid == 0 ? real->permitted : CapSet();
        creds = std::move(real);
    }
    static_assert(abi::r_ok == may_read && abi::w_ok == may_write && abi::x_ok == may_exec);
    TRY(generic_permission(*creds, st, static_cast<u32>(mode)));
    return 0;
}

Result<long> sys_faccessat(Context& ctx, int dirfd, UserPtr<char> path, int mode) { return sys_faccessat2(ctx, dirfd, path, mode, 0); }
Result<long> sys_access(Context& ctx, UserPtr<char> path, int mode) { return sys_faccessat2(ctx, abi::at_fdcwd, path, mode, 0); }

} // namespace asterix::services
