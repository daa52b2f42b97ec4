// mkdir, mkdirat, rmdir, unlink, unlinkat, rename, renameat, renameat2, link, linkat, symlink,
// symlinkat, readlink, readlinkat, mknod, mknodat: operations on names in directories.

#include "frame/bytes.h"
#include "services/abi/fcntl.h"
#include "services/abi/inotify.h"
#include "services/fs/fs_notify.h"
#include "services/fs/permission.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {

bool is_dot_name(const std::string& name) { return name == "." || name == ".."; }

/// Whether `dentry` is `ancestor` or lies below it.
bool is_within(const Dentry* dentry, const Dentry* ancestor)
{
    for (const Dentry* at = dentry; at; at = at->covered ? at->covered : at->parent()) {
        if (at == ancestor)
            return true;
    }
    return false;
}

/// rename(2)'s permissions (Linux's vfs_rename): the source may leave its directory, the target
/// (if any) may be replaced, or a new name may be made; a directory that changes parents must
/// be writable itself, since its ".." changes.
Result<void> may_rename(const Credentials& creds, const ParentAndName& from, Dentry& source, const ParentAndName& to,
    u32 flags)
{
    Inode& old_dir = from.parent->inode();
    Inode& new_dir = to.parent->inode();
    TRY(may_delete(creds, old_dir, source.inode()));
    auto target = to.parent->child(to.name);
    if (target.is_error())
        TRY(may_create(creds, new_dir));
    else
        TRY(may_delete(creds, new_dir, target.value()->inode()));
    if (&old_dir != &new_dir) {
        if (source.inode().is_directory())
            TRY(inode_permission(creds, source.inode(), may_write));
        if ((flags & abi::rename_exchange) && !target.is_error() && target.value()->inode().is_directory())
            TRY(inode_permission(creds, target.value()->inode(), may_write));
    }
    return {};
}

/// inotify's view of an unlink or rmdir (Linux's vfs_unlink, vfs_rmdir, d_delete_notify): a
/// file's link count changed (IN_ATTRIB), an object with no name left is gone (IN_DELETE_SELF;
/// Linux waits for the last close, Asterix tells at once), then its directory lost the name
/// (IN_DELETE), in that order.
void notify_removed(Inode& dir, const std::string& name, Inode& removed)
{
    bool is_directory = removed.is_directory();
    if (!is_directory)
        fs_notify::self_event(removed, abi::in_attrib);
    auto st = removed.stat();
    if (is_directory || st.is_error() || st.value().nlink == 0)
        fs_notify::self_event(removed, abi::in_delete_self);
    fs_notify::name_event(dir, name, abi::in_delete | (is_directory ? abi::in_isdir : 0));
}

/// inotify's view of a rename (Linux's fsnotify_move): IN_MOVED_FROM and IN_MOVED_TO with one
/// cookie, IN_MOVE_SELF for what moved; a replaced object may be gone, and an exchange moves
/// both ways.
void notify_renamed(const ParentAndName& from, const ParentAndName& to, Inode& moved, const Ref<Inode>& other,
    bool is_exchange)
{
    auto move = [](Inode& object, Inode& old_dir, const std::string& old_name, Inode& new_dir, const std::string& new_name) {
        u32 cookie = fs_notify::next_cookie();
        u32 dir_bit = object.is_directory() ? abi::in_isdir : 0;
        fs_notify::name_event(old_dir, old_name, abi::in_moved_from | dir_bit, cookie);
        fs_notify::name_event(new_dir, new_name, abi::in_moved_to | dir_bit, cookie);
        fs_notify::self_event(object, abi::in_move_self);
    };
    move(moved, from.parent->inode(), from.name, to.parent->inode(), to.name);
    if (!other)
        return;
    if (is_exchange) {
        move(*other, to.parent->inode(), to.name, from.parent->inode(), from.name);
        return;
    }
    auto st = other->stat();
    if (other->is_directory() || st.is_error() || st.value().nlink == 0)
        fs_notify::self_event(*other, abi::in_delete_self);
}
} // namespace

Result<long> sys_mkdirat(Context& ctx, int dirfd, UserPtr<char> path, u32 mode)
{
    std::string name = TRY(read_path(ctx, path));
    auto where = TRY(lookup_parent_at(ctx, dirfd, name));
    if (where.name.empty() || is_dot_name(where.name))
        return Errno::eexist;
    if (!where.parent->child(where.name).is_error())
        return Errno::eexist;
    TRY(check_writable_fs(*where.parent));
    const Credentials& creds = ctx.thread().credentials();
    Inode& dir = where.parent->inode();
    TRY(may_create(creds, dir));
    u32 perms = s_ifdir | (mode & ~ctx.process().fs()->umask & 07777);
    Owner owner = TRY(owner_of_new(creds, dir, perms));
    TRY(dir.mkdir(where.name, perms & 07777, owner));
    fs_notify::name_event(dir, where.name, abi::in_create | abi::in_isdir);
    return 0;
}

Result<long> sys_mkdir(Context& ctx, UserPtr<char> path, u32 mode) { return sys_mkdirat(ctx, abi::at_fdcwd, path, mode); }

Result<long> sys_unlinkat(Context& ctx, int dirfd, UserPtr<char> path, int flags)
{
    if (flags & ~abi::at_removedir)
        return Errno::einval;
    bool is_rmdir = flags & abi::at_removedir;
    std::string name = TRY(read_path(ctx, path));
    auto where = TRY(lookup_parent_at(ctx, dirfd, name));
    if (is_rmdir) {
        if (where.name.empty() || where.name == "..")
            return Errno::enotempty;
        if (where.name == ".")
            return Errno::einval;
    } else if (where.name.empty() || is_dot_name(where.name)) {
        return Errno::eisdir;
    }
    auto victim = TRY(where.parent->child(where.name));
    if (!is_rmdir && where.has_trailing_slash)
        return victim->inode().is_directory() ? Errno::eisdir : Errno::enotdir;
    if (victim->mounted || victim == ctx.process().fs()->root)
        return Errno::ebusy;
    TRY(check_writable_fs(*where.parent));
    TRY(may_delete(ctx.thread().credentials(), where.parent->inode(), victim->inode()));
    if (is_rmdir && !victim->inode().is_directory())
        return Errno::enotdir;
    if (!is_rmdir && victim->inode().is_directory())
        return Errno::eisdir;
    Ref<Inode> removed = victim->inode_ref();
    TRY(where.parent->inode().unlink(where.name, is_rmdir));
    where.parent->forget_child(where.name);
    notify_removed(where.parent->inode(), where.name, *removed);
    return 0;
}

Result<long> sys_unlink(Context& ctx, UserPtr<char> path) { return sys_unlinkat(ctx, abi::at_fdcwd, path, 0); }
Result<long> sys_rmdir(Context& ctx, UserPtr<char> path) { return sys_unlinkat(ctx, abi::at_fdcwd, path, abi::at_removedir); }

Result<long> sys_renameat2(Context& ctx, int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path, u32 flags)
{
    if (flags & ~(abi::rename_noreplace | abi::rename_exchange | abi::rename_whiteout))
        return Errno::einval;
    if ((flags & abi::rename_exchange) && (flags & (abi::rename_noreplace | abi::rename_whiteout)))
        return Errno::einval;
    if (flags & abi::rename_whiteout)
        return Errno::einval;
    std::string old_name = TRY(read_path(ctx, old_path));
    std::string new_name = TRY(read_path(ctx, new_path));
    auto from = TRY(lookup_parent_at(ctx, old_dirfd, old_name));
    auto to = TRY(lookup_parent_at(ctx, new_dirfd, new_name));
    if (from.name.empty() || is_dot_name(from.name) || to.name.empty() || is_dot_name(to.name))
        return Errno::ebusy;
    auto source = TRY(from.parent->child(from.name));
    if ((from.has_trailing_slash || to.has_trailing_slash) && !source->inode().is_directory())
        return Errno::enotdir;
    if (&from.parent->inode().fs() != &to.parent->inode().fs())
        return Errno::exdev;
    if (source->mounted)
        return Errno::ebusy;
    if (source->inode().is_directory() && is_within(to.parent.ptr(), source.ptr()))
        return Errno::einval;
    TRY(check_writable_fs(*from.parent));
    TRY(may_rename(ctx.thread().credentials(), from, *source, to, flags));
    auto replaced = to.parent->child(to.name);
    Ref<Inode> overwritten = replaced.is_error() ? Ref<Inode>() : replaced.value()->inode_ref();
    Ref<Inode> moved = source->inode_ref();
    TRY(from.parent->inode().rename(from.name, to.parent->inode(), to.name, flags));
    notify_renamed(from, to, *moved, overwritten, flags & abi::rename_exchange);
    if (flags & abi::rename_exchange) {
        from.parent->forget_child(from.name);
        to.parent->forget_child(to.name);
    } else {
        // The dentry follows its inode, so a working directory or open file keeps its path.
        source->move_to(to.parent, to.name);
    }
    return 0;
}

Result<long> sys_renameat(Context& ctx, int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path)
{
    return sys_renameat2(ctx, old_dirfd, old_path, new_dirfd, new_path, 0);
}

Result<long> sys_rename(Context& ctx, UserPtr<char> old_path, UserPtr<char> new_path)
{
    return sys_renameat2(ctx, abi::at_fdcwd, old_path, abi::at_fdcwd, new_path, 0);
}

Result<long> sys_linkat(Context& ctx, int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path, int flags)
{
    if (flags & ~(abi::at_symlink_follow | abi::at_empty_path))
        return Errno::einval;
    std::string old_name = TRY(read_path(ctx, old_path));
    std::string new_name = TRY(read_path(ctx, new_path));
    // linkat(2) does not follow a symlink in the last place unless AT_SYMLINK_FOLLOW says so.
    int at_flags = (flags & abi::at_empty_path) | ((flags & abi::at_symlink_follow) ? 0 : abi::at_symlink_nofollow);
    auto target = TRY(lookup_at(ctx, old_dirfd, old_name, at_flags));
    if (target->inode().is_directory())
        return Errno::eperm;
    auto where = TRY(lookup_parent_at(ctx, new_dirfd, new_name));
    if (where.name.empty() || is_dot_name(where.name) || !where.parent->child(where.name).is_error())
        return Errno::eexist;
    if (where.has_trailing_slash)
        return Errno::enoent;
    if (&target->inode().fs() != &where.parent->inode().fs())
        return Errno::exdev;
    TRY(check_writable_fs(*where.parent));
    // Linux's do_linkat asks may_linkat (EPERM) before vfs_link asks may_create (EACCES).
    TRY(may_link(ctx.thread().credentials(), target->inode()));
    TRY(may_create(ctx.thread().credentials(), where.parent->inode()));
    TRY(where.parent->inode().link(where.name, target->inode()));
    fs_notify::self_event(target->inode(), abi::in_attrib);
    fs_notify::name_event(where.parent->inode(), where.name, abi::in_create);
    return 0;
}

Result<long> sys_link(Context& ctx, UserPtr<char> old_path, UserPtr<char> new_path)
{
    return sys_linkat(ctx, abi::at_fdcwd, old_path, abi::at_fdcwd, new_path, 0);
}

Result<long> sys_symlinkat(Context& ctx, UserPtr<char> target, int new_dirfd, UserPtr<char> link_path)
{
    std::string text = TRY(read_path(ctx, target));
    std::string name = TRY(read_path(ctx, link_path));
    if (text.empty())
        return Errno::enoent;
    auto where = TRY(lookup_parent_at(ctx, new_dirfd, name));
    if (where.name.empty() || is_dot_name(where.name) || !where.parent->child(where.name).is_error())
        return Errno::eexist;
    if (where.has_trailing_slash)
        return Errno::enoent;
    TRY(check_writable_fs(*where.parent));
    const Credentials& creds = ctx.thread().credentials();
    Inode& dir = where.parent->inode();
    TRY(may_create(creds, dir));
    u32 link_mode = abi::s_iflnk | 0777;
    Owner owner = TRY(owner_of_new(creds, dir, link_mode));
    TRY(dir.symlink(where.name, text, owner));
    fs_notify::name_event(dir, where.name, abi::in_create);
    return 0;
}

Result<long> sys_symlink(Context& ctx, UserPtr<char> target, UserPtr<char> link_path)
{
    return sys_symlinkat(ctx, target, abi::at_fdcwd, link_path);
}

Result<long> sys_readlinkat(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<char> buf, int size)
{
    if (size <= 0)
        return Errno::einval;
    std::string name = TRY(read_path(ctx, path));
    auto dentry = TRY(lookup_at(ctx, dirfd, name, abi::at_symlink_nofollow | abi::at_empty_path));
    if (!dentry->inode().is_symlink())
        return Errno::einval;
    std::string target = TRY(dentry->inode().read_link());
    usize n = std::min<usize>(target.size(), static_cast<usize>(size));
    TRY(ctx.user().write_bytes(buf.addr(), text_bytes(target).first(n)));
    return static_cast<long>(n);
}

Result<long> sys_readlink(Context& ctx, UserPtr<char> path, UserPtr<char> buf, int size)
{
    return sys_readlinkat(ctx, abi::at_fdcwd, path, buf, size);
}

Result<long> sys_mknodat(Context& ctx, int dirfd, UserPtr<char> path, u32 mode, u64 dev)
{
    u32 type = mode & s_ifmt;
    if (type != s_ififo && type != s_ifsock && type != s_ifreg && type != 0)
        return Errno::eperm; // FIXME: device nodes need devices to back them
    std::string name = TRY(read_path(ctx, path));
    auto where = TRY(lookup_parent_at(ctx, dirfd, name));
    if (where.name.empty() || is_dot_name(where.name) || !where.parent->child(where.name).is_error())
        return Errno::eexist;
    TRY(check_writable_fs(*where.parent));
    const Credentials& creds = ctx.thread().credentials();
    Inode& dir = where.parent->inode();
    TRY(may_create(creds, dir));
    u32 perms = (type == 0 ? s_ifreg : type) | (mode & ~ctx.process().fs()->umask & 07777);
    Owner owner = TRY(owner_of_new(creds, dir, perms));
    if (type == s_ififo)
        TRY(dir.mkfifo(where.name, perms & 07777, owner));
    else if (type == s_ifsock)
        TRY(dir.mksock(where.name, perms & 07777, owner));
    else
        TRY(dir.create(where.name, perms & 07777, owner));
    fs_notify::name_event(dir, where.name, abi::in_create);
    return 0;
}

Result<long> sys_mknod(Context& ctx, UserPtr<char> path, u32 mode, u64 dev)
{
    return sys_mknodat(ctx, abi::at_fdcwd, path, mode, dev);
}

} // namespace asterix::services
