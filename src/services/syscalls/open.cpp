// open, openat, openat2, creat

#include "services/fs/file.h"
#include "services/mm/truncate.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {

constexpr u32 valid_open_flags = o_accmode | o_creat | o_excl | o_noctty | o_trunc | o_append | o_nonblock | o_dsync
    | o_async | o_direct | o_largefile | o_directory | o_nofollow | o_noatime | o_cloexec | o_sync | o_path | o_tmpfile;
constexpr u32 o_path_allowed = o_path | o_directory | o_nofollow | o_cloexec;

// openat2 resolve flags.
constexpr u64 resolve_no_xdev = 0x01;
constexpr u64 resolve_no_magiclinks = 0x02;
constexpr u64 resolve_no_symlinks = 0x04;
constexpr u64 resolve_beneath = 0x08;
constexpr u64 resolve_in_root = 0x10;
constexpr u64 resolve_cached = 0x20;

/// Finds, or with O_CREAT creates, what `path` names from `start`. A symlink in the last place
/// is followed even when its target does not exist yet: O_CREAT creates the target.
Result<Ref<Dentry>> open_or_create(Context& ctx, const Ref<Dentry>& start, const std::string& path, u32 flags, u32 mode, int links_left)
{
    const Ref<Dentry>& root = ctx.process().fs->root;
    Follow follow = (flags & o_nofollow) ? Follow::no_follow : Follow::follow;
    if (!(flags & o_creat))
        return walk_path(root, start, path, follow);

    auto where = TRY(walk_parent(root, start, path));
    if (where.name.empty() || where.name == "." || where.name == "..")
        return Errno::eisdir;
    auto existing = where.parent->child(where.name);
    if (!existing.is_error()) {
        if (flags & o_excl)
            return Errno::eexist;
        Inode& inode = existing.value()->inode();
        if (inode.is_symlink() && follow == Follow::follow && !existing.value()->mounted) {
            if (--links_left < 0)
                return Errno::eloop;
            if (inode.is_magic_link())
                return inode.follow_magic_link();
            std::string target = TRY(inode.read_link());
            return open_or_create(ctx, where.parent, target, flags, mode, links_left);
        }
        return walk_path(root, where.parent, where.name, Follow::no_follow);
    }
    if (existing.error() != Errno::enoent)
        return existing.error();
    if (where.has_trailing_slash)
        return Errno::eisdir;
    TRY(check_writable_fs(*where.parent));
    TRY(where.parent->inode().create(where.name, mode & ~ctx.process().fs->umask & 07777));
    return where.parent->child(where.name);
}

} // namespace

Result<long> open_file(Context& ctx, int dirfd, const std::string& path, u32 flags, u32 mode)
{
    if (flags & ~valid_open_flags)
        return Errno::einval;
    if ((flags & o_tmpfile) == o_tmpfile)
        return Errno::enotsup; // FIXME: O_TMPFILE needs unnamed inodes
    if (flags & o_path)
        flags &= o_path_allowed;
    if (path.empty())
        return Errno::enoent;
    Ref<Dentry> start = path.front() == '/' ? ctx.process().fs->root : TRY(start_dir(ctx, dirfd));
    auto dentry = TRY(open_or_create(ctx, start, path, flags, mode, max_symlinks));
    Inode& inode = dentry->inode();
    u32 access = flags & o_accmode;
    if (inode.is_symlink() && !(flags & o_path))
        return Errno::eloop;
    if ((flags & o_directory) && !inode.is_directory())
        return Errno::enotdir;
    if (inode.is_directory() && !(flags & o_path) && (access != o_rdonly || (flags & o_creat)))
        return Errno::eisdir;
    bool is_writing = !(flags & o_path) && (access != o_rdonly || (flags & o_trunc));
    if (is_writing && inode.is_regular())
        TRY(check_writable_fs(*dentry));
    auto file = TRY(inode.open(dentry, flags & ~(o_creat | o_excl | o_noctty | o_trunc | o_cloexec)));
    if ((flags & o_trunc) && inode.is_regular() && access != o_rdonly) {
        SetAttr attr;
        attr.size = 0;
        TRY(inode.set_attr(attr));
        unmap_truncated_pages(inode, 0);
    }
    return TRY(ctx.files().install(file, flags & o_cloexec, 0, ctx.process().rlimits[rlimit_nofile].cur));
}

Result<long> sys_open(Context& ctx, UserPtr<char> path, int flags, u32 mode)
{
    return sys_openat(ctx, abi::at_fdcwd, path, flags, mode);
}

Result<long> sys_openat(Context& ctx, int dirfd, UserPtr<char> path, int flags, u32 mode)
{
    std::string name = TRY(read_path(ctx, path));
    return open_file(ctx, dirfd, name, static_cast<u32>(flags) | o_largefile, mode);
}

Result<long> sys_creat(Context& ctx, UserPtr<char> path, u32 mode)
{
    return sys_openat(ctx, abi::at_fdcwd, path, static_cast<int>(o_creat | o_wronly | o_trunc), mode);
}

Result<long> sys_openat2(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<abi::OpenHow> how_ptr, u64 size)
{
    if (size < sizeof(abi::OpenHow))
        return Errno::einval;
    if (size > page_size)
        return Errno::e2big;
    abi::OpenHow how = TRY(ctx.user().read(how_ptr));
    // Bytes past the struct we know must be zero (openat2(2): E2BIG otherwise).
    for (u64 at = sizeof(abi::OpenHow); at < size; ++at) {
        if (TRY(ctx.user().read(UserPtr<u8>(how_ptr.addr() + at))) != 0)
            return Errno::e2big;
    }
    if (how.flags > 0xffffffffull || (how.flags & ~u64 {valid_open_flags}))
        return Errno::einval;
    if (how.mode & ~u64 {07777} || (how.mode && !(how.flags & o_creat)))
        return Errno::einval;
    if (how.resolve & ~(resolve_no_xdev | resolve_no_magiclinks | resolve_no_symlinks | resolve_beneath | resolve_in_root | resolve_cached))
        return Errno::einval;
    if ((how.resolve & resolve_beneath) && (how.resolve & resolve_in_root))
        return Errno::einval;
    if (how.resolve & (resolve_no_symlinks | resolve_cached))
        return Errno::enotsup; // FIXME: these resolve modes need a walk that reports symlinks
    std::string name = TRY(read_path(ctx, path));
    if (how.resolve & (resolve_in_root | resolve_beneath)) {
        // Resolve with the starting directory as the root: absolute paths and ".." stay inside.
        Ref<Dentry> saved_root = ctx.process().fs->root;
        ctx.process().fs->root = TRY(start_dir(ctx, dirfd));
        auto result = open_file(ctx, dirfd, name, static_cast<u32>(how.flags), static_cast<u32>(how.mode));
        ctx.process().fs->root = saved_root;
        return result;
    }
    return open_file(ctx, dirfd, name, static_cast<u32>(how.flags), static_cast<u32>(how.mode));
}

} // namespace asterix::services
