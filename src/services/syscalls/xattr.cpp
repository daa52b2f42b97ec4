// getxattr, lgetxattr, fgetxattr, listxattr, llistxattr, flistxattr, setxattr, lsetxattr,
// fsetxattr, removexattr, lremovexattr, fremovexattr: the file systems keep no extended
// attributes, so they answer as one without xattr support does.

#include "services/abi/stat.h"
#include "services/fs/permission.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {
Result<Ref<Dentry>> check_path(Context& ctx, UserPtr<char> path, Follow follow)
{
    std::string name = TRY(read_path(ctx, path));
    return lookup_at(ctx, abi::at_fdcwd, name, follow == Follow::no_follow ? abi::at_symlink_nofollow : 0);
}

/// The f*xattr calls take a descriptor as fdget does: an O_PATH one is EBADF.
Result<Ref<Dentry>> check_fd(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    if (!file->dentry())
        return Errno::enotsup;
    return Ref<Dentry>(file->dentry());
}

/// May the caller set or remove the attribute `name` of `dentry` (Linux's xattr_permission
/// for MAY_WRITE): "trusted." needs CAP_SYS_ADMIN; "user." only on files and directories, in a
/// sticky directory only by its owner (EPERM), and with write permission (EACCES); the other
/// namespaces need write permission.
Result<void> check_write(Context& ctx, Dentry& dentry, UserPtr<char> name)
{
    std::string text = TRY(ctx.user().read_cstring(name.addr(), 255));
    if (text.empty())
        return Errno::erange;
    TRY(check_writable_fs(dentry));
    const Credentials& creds = ctx.thread().credentials();
    Inode& inode = dentry.inode();
    auto st = TRY(inode.stat());
    if (text.starts_with("trusted.")) {
        if (!creds.has_capability(abi::Capability::sys_admin))
            return Errno::eperm;
        return {};
    }
    if (text.starts_with("user.")) {
        if (!inode.is_regular() && !inode.is_directory())
            return Errno::eperm;
        if (inode.is_directory() && (st.mode & abi::s_isvtx) && !is_owner_or_capable(creds, st))
            return Errno::eperm;
    }
    return generic_permission(creds, st, may_write);
}

Result<void> check_name(Context& ctx, UserPtr<char> name)
{
    std::string text = TRY(ctx.user().read_cstring(name.addr(), 255));
    if (text.empty())
        return Errno::erange;
    return {};
}
} // namespace

Result<long> sys_getxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size)
{
    TRY(check_path(ctx, path, Follow::follow));
    TRY(check_name(ctx, name));
    return Errno::enodata;
}

Result<long> sys_lgetxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size)
{
    TRY(check_path(ctx, path, Follow::no_follow));
    TRY(check_name(ctx, name));
    return Errno::enodata;
}

Result<long> sys_fgetxattr(Context& ctx, int fd, UserPtr<char> name, u64 value, u64 size)
{
    TRY(check_fd(ctx, fd));
    TRY(check_name(ctx, name));
    return Errno::enodata;
}

Result<long> sys_listxattr(Context& ctx, UserPtr<char> path, u64 list, u64 size)
{
    TRY(check_path(ctx, path, Follow::follow));
    return 0;
}

Result<long> sys_llistxattr(Context& ctx, UserPtr<char> path, u64 list, u64 size)
{
    TRY(check_path(ctx, path, Follow::no_follow));
    return 0;
}

Result<long> sys_flistxattr(Context& ctx, int fd, u64 list, u64 size)
{
    TRY(check_fd(ctx, fd));
    return 0;
}

// The file systems keep no attributes: a permitted set is ENOTSUP, a permitted remove ENODATA.

Result<long> sys_setxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size, int flags)
{
    auto dentry = TRY(check_path(ctx, path, Follow::follow));
    TRY(check_write(ctx, *dentry, name));
    return Errno::enotsup;
}

Result<long> sys_lsetxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size, int flags)
{
    auto dentry = TRY(check_path(ctx, path, Follow::no_follow));
    TRY(check_write(ctx, *dentry, name));
    return Errno::enotsup;
}

Result<long> sys_fsetxattr(Context& ctx, int fd, UserPtr<char> name, u64 value, u64 size, int flags)
{
    auto dentry = TRY(check_fd(ctx, fd));
    TRY(check_write(ctx, *dentry, name));
    return Errno::enotsup;
}

Result<long> sys_removexattr(Context& ctx, UserPtr<char> path, UserPtr<char> name)
{
    auto dentry = TRY(check_path(ctx, path, Follow::follow));
    TRY(check_write(ctx, *dentry, name));
    return Errno::enodata;
}

Result<long> sys_lremovexattr(Context& ctx, UserPtr<char> path, UserPtr<char> name)
{
    auto dentry = TRY(check_path(ctx, path, Follow::no_follow));
    TRY(check_write(ctx, *dentry, name));
    return Errno::enodata;
}

Result<long> sys_fremovexattr(Context& ctx, int fd, UserPtr<char> name)
{
    auto dentry = TRY(check_fd(ctx, fd));
    TRY(check_write(ctx, *dentry, name));
    return Errno::enodata;
}

} // namespace asterix::services
