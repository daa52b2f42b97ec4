// getxattr, lgetxattr, fgetxattr, listxattr, llistxattr, flistxattr, setxattr, lsetxattr,
// fsetxattr, removexattr, lremovexattr, fremovexattr: the file systems keep no extended
// attributes, so they answer as one without xattr support does.

#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {
Result<void> check_path(Context& ctx, UserPtr<char> path, Follow follow)
{
    std::string name = TRY(read_path(ctx, path));
    TRY(lookup_at(ctx, abi::at_fdcwd, name, follow == Follow::no_follow ? abi::at_symlink_nofollow : 0));
    return {};
}

/// The f*xattr calls take a descriptor as fdget does: an O_PATH one is EBADF.
Result<void> check_fd(Context& ctx, int fd)
{
    if (TRY(ctx.files().get(fd))->is_path_only())
        return Errno::ebadf;
    return {};
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

Result<long> sys_setxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size, int flags)
{
    TRY(check_path(ctx, path, Follow::follow));
    return Errno::enotsup;
}

Result<long> sys_lsetxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size, int flags)
{
    TRY(check_path(ctx, path, Follow::no_follow));
    return Errno::enotsup;
}

Result<long> sys_fsetxattr(Context& ctx, int fd, UserPtr<char> name, u64 value, u64 size, int flags)
{
    TRY(check_fd(ctx, fd));
    return Errno::enotsup;
}

Result<long> sys_removexattr(Context& ctx, UserPtr<char> path, UserPtr<char> name)
{
    TRY(check_path(ctx, path, Follow::follow));
    return Errno::enodata;
}

Result<long> sys_lremovexattr(Context& ctx, UserPtr<char> path, UserPtr<char> name)
{
    TRY(check_path(ctx, path, Follow::no_follow));
    return Errno::enodata;
}

Result<long> sys_fremovexattr(Context& ctx, int fd, UserPtr<char> name)
{
    TRY(check_fd(ctx, fd));
    return Errno::enodata;
}

} // namespace asterix::services
