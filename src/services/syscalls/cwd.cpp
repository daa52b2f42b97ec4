// getcwd, chdir, fchdir, chroot, umask

#include "frame/bytes.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

Result<long> sys_getcwd(Context& ctx, UserPtr<char> buf, u64 size)
{
    Ref<Dentry> cwd = ctx.process().fs()->cwd;
    std::string path;
    if (cwd->is_detached()) {
        path = "(unreachable)" + cwd->path();
    } else {
        // The path as the process sees it: relative to its root.
        std::string root = ctx.process().fs()->root->path();
        path = cwd->path();
        if (root != "/")
            path = path.starts_with(root) ? (path.size() == root.size() ? "/" : path.substr(root.size())) : "(unreachable)" + path;
    }
    if (size < path.size() + 1)
        return Errno::erange;
    TRY(ctx.user().write_bytes(buf.addr(), text_bytes(std::string_view(path.c_str(), path.size() + 1))));
    return static_cast<long>(path.size() + 1);
}

Result<long> sys_chdir(Context& ctx, UserPtr<char> path)
{
    std::string name = TRY(read_path(ctx, path));
    auto dentry = TRY(lookup_at(ctx, abi::at_fdcwd, name, 0));
    if (!dentry->inode().is_directory())
        return Errno::enotdir;
    ctx.process().fs()->cwd = dentry;
    return 0;
}

Result<long> sys_fchdir(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    if (!file->dentry() || !file->dentry()->inode().is_directory())
        return Errno::enotdir;
    ctx.process().fs()->cwd = Ref<Dentry>(file->dentry());
    return 0;
}

Result<long> sys_chroot(Context& ctx, UserPtr<char> path)
{
    if (!ctx.thread().credentials().has_capability(abi::Capability::sys_chroot))
        return Errno::eperm;
    std::string name = TRY(read_path(ctx, path));
    auto dentry = TRY(lookup_at(ctx, abi::at_fdcwd, name, 0));
    if (!dentry->inode().is_directory())
        return Errno::enotdir;
    ctx.process().fs()->root = dentry;
    return 0;
}

Result<long> sys_umask(Context& ctx, u32 mask)
{
    u32 old = ctx.process().fs()->umask;
    ctx.process().fs()->umask = mask & 0777;
    return old;
}

} // namespace asterix::services
