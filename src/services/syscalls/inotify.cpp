// inotify_init, inotify_init1, inotify_add_watch, inotify_rm_watch

#include "services/abi/inotify.h"
#include "services/fs/inotify_file.h"
#include "services/fs/permission.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

Result<long> sys_inotify_init1(Context& ctx, int flags)
{
    u32 bits = static_cast<u32>(flags);
    if (bits & ~(abi::in_nonblock | abi::in_cloexec))
        return Errno::einval;
    auto file = TRY(InotifyFile::create(ctx.thread().credentials().euid, o_rdonly | (bits & abi::in_nonblock)));
    return TRY(ctx.files().install(file, bits & abi::in_cloexec, 0, ctx.process().rlimit(rlimit_nofile).cur));
}

Result<long> sys_inotify_init(Context& ctx) { return sys_inotify_init1(ctx, 0); }

Result<long> sys_inotify_add_watch(Context& ctx, int fd, UserPtr<char> path, u32 mask)
{
    // The checks in Linux's order: a mask with no bit or an unknown one, the descriptor,
    // contradictory flags, then the path. A mask of flags only is accepted and watches nothing.
    if (!mask || (mask & ~abi::in_valid_mask))
        return Errno::einval;
    auto file = TRY(ctx.files().get(fd));
    InotifyFile* inotify = file->as_inotify();
    if (!inotify)
        return Errno::einval;
    if ((mask & abi::in_mask_add) && (mask & abi::in_mask_create))
        return Errno::einval;
    std::string name = TRY(read_path(ctx, path));
    int at_flags = (mask & abi::in_dont_follow) ? abi::at_symlink_nofollow : 0;
    auto dentry = TRY(lookup_at(ctx, abi::at_fdcwd, name, at_flags));
    Inode& inode = dentry->inode();
    if ((mask & abi::in_onlydir) && !inode.is_directory())
        return Errno::enotdir;
    // Watching is reading: the caller must be able to read the object (inotify_add_watch(2)).
    TRY(generic_permission(ctx.thread().credentials(), TRY(inode.stat()), may_read));
    return TRY(inotify->add_watch(inode, mask));
}

Result<long> sys_inotify_rm_watch(Context& ctx, int fd, int wd)
{
    auto file = TRY(ctx.files().get(fd));
    InotifyFile* inotify = file->as_inotify();
    if (!inotify)
        return Errno::einval;
    TRY(inotify->remove_watch(wd));
    return 0;
}

} // namespace asterix::services
