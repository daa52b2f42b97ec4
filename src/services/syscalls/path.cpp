#include "services/syscalls/path.h"

namespace asterix::services {

Result<std::string> read_path(Context& ctx, UserPtr<char> path)
{
    return ctx.user().read_cstring(path.addr(), abi::path_max - 1);
}

Result<Ref<Dentry>> start_dir(Context& ctx, int dirfd)
{
    if (dirfd == abi::at_fdcwd)
        return ctx.process().fs->cwd;
    auto file = TRY(ctx.files().get(dirfd));
    Dentry* dentry = file->dentry();
    if (!dentry || !dentry->inode().is_directory())
        return Errno::enotdir;
    return Ref<Dentry>(dentry);
}

Result<Ref<Dentry>> lookup_at(Context& ctx, int dirfd, const std::string& path, Follow follow, bool allow_empty)
{
    if (path.empty()) {
        if (!allow_empty)
            return Errno::enoent;
        if (dirfd == abi::at_fdcwd)
            return ctx.process().fs->cwd;
        auto file = TRY(ctx.files().get(dirfd));
        if (!file->dentry())
            return Errno::enotdir; // FIXME: pipes and the console have no dentry to name
        return Ref<Dentry>(file->dentry());
    }
    Ref<Dentry> start = path.front() == '/' ? ctx.process().fs->root : TRY(start_dir(ctx, dirfd));
    return walk_path(ctx.process().fs->root, start, path, follow);
}

Result<ParentAndName> lookup_parent_at(Context& ctx, int dirfd, const std::string& path)
{
    if (path.empty())
        return Errno::enoent;
    Ref<Dentry> start = path.front() == '/' ? ctx.process().fs->root : TRY(start_dir(ctx, dirfd));
    return walk_parent(ctx.process().fs->root, start, path);
}

Result<void> check_writable_fs(const Dentry& dentry)
{
    if (dentry.inode().fs().is_read_only())
        return Errno::erofs;
    return {};
}

} // namespace asterix::services
