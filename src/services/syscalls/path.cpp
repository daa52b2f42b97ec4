#include "services/syscalls/path.h"

#include "services/abi/fcntl.h"

namespace asterix::services {

namespace {

/// What AT_EMPTY_PATH with an empty path names: the working directory, or the object open on
/// `dirfd`, of whatever type.
Result<Ref<Dentry>> empty_path_target(Context& ctx, int dirfd)
{
    if (dirfd == abi::at_fdcwd)
        return ctx.process().fs()->cwd;
    auto file = TRY(ctx.files().get(dirfd));
    if (!file->dentry())
        return Errno::enotdir; // FIXME: pipes and the console have no dentry to name
    return Ref<Dentry>(file->dentry());
}

} // namespace

Result<std::string> read_path(Context& ctx, UserPtr<char> path)
{
    return ctx.user().read_cstring(path.addr(), abi::path_max - 1);
}

Result<Ref<Dentry>> start_dir(Context& ctx, int dirfd)
{
    if (dirfd == abi::at_fdcwd)
        return ctx.process().fs()->cwd;
    auto file = TRY(ctx.files().get(dirfd));
    Dentry* dentry = file->dentry();
    if (!dentry || !dentry->inode().is_directory())
        return Errno::enotdir;
    return Ref<Dentry>(dentry);
}

Result<PathLookup> make_lookup(Context& ctx, int dirfd, std::string_view path, int at_flags, u64 resolve)
{
    // An empty path is ENOENT before the descriptor is looked at, as in Linux's getname.
    if (path.empty() && !(at_flags & abi::at_empty_path))
        return Errno::enoent;
    // The lookup holds its own references: a chroot() or chdir() made meanwhile by a sibling
    // thread does not change a walk under way, and the walk changes nothing shared.
    Ref<Dentry> root = ctx.process().fs()->root;
    bool is_scoped = resolve & (abi::resolve_beneath | abi::resolve_in_root);
    Ref<Dentry> start;
    if (path.empty())
        start = TRY(empty_path_target(ctx, dirfd));
    else if (path.front() == '/' && !is_scoped)
        start = root;
    else
        start = TRY(start_dir(ctx, dirfd));
    return PathLookup(std::move(root), std::move(start), resolve, at_flags, ctx.thread().credentials_ref());
}

Result<Ref<Dentry>> lookup_at(Context& ctx, int dirfd, const std::string& path, int at_flags)
{
    auto lookup = TRY(make_lookup(ctx, dirfd, path, at_flags));
    return lookup.walk(path);
}

Result<ParentAndName> lookup_parent_at(Context& ctx, int dirfd, const std::string& path)
{
    auto lookup = TRY(make_lookup(ctx, dirfd, path, 0));
    return lookup.walk_parent(path);
}

Result<void> check_writable_fs(const Dentry& dentry)
{
    if (dentry.inode().fs().is_read_only())
        return Errno::erofs;
    return {};
}

} // namespace asterix::services
