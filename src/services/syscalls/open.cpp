// open, openat, openat2, creat

#include "services/abi/fcntl.h"
#include "services/abi/inotify.h"
#include "services/fs/file.h"
#include "services/fs/fs_notify.h"
#include "services/fs/permission.h"
#include "services/mm/truncate.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {


struct Opened {
    Ref<Dentry> dentry;
    bool is_created;
};

/// Finds, or with O_CREAT creates, what the lookup's path names. With O_CREAT a symlink in the
/// last place is followed even when its target does not exist yet: O_CREAT creates the target.
/// Every symlink met, last ones included, counts against the one budget of the lookup.
Result<Opened> open_or_create(Context& ctx, PathLookup& lookup, const std::string& path, u32 flags, u32 mode)
{
    if (!(flags & o_creat))
        return Opened {TRY(lookup.walk(path)), false};
    // On hostfs a host process (or another instance) may make or remove the name between the
    // lookup and the create. Linux's open is atomic: without O_EXCL it never fails because the
    // name came or went. So a create that finds the name taken looks again, a bounded number of
    // times (each round means the host changed the name in between). What the create made
    // is opened, even if the host removed the name right after.
    constexpr int attempts = 16;
    const PathLookup fresh = lookup; // each round starts with the whole symlink budget
    for (int attempt = 1;; ++attempt) {
        auto target = TRY(lookup.walk_to_create(path, flags & o_excl));
        if (target.existing)
            return Opened {target.existing, false};
        TRY(check_writable_fs(*target.parent));
        Inode& dir = target.parent->inode();
        TRY(may_create(lookup.credentials(), dir));
        u32 perms = mode & ~ctx.process().fs()->umask & 07777;
        Owner owner = TRY(owner_of_new(lookup.credentials(), dir, perms));
        auto made = dir.create(target.name, perms, owner);
        if (!made.is_error()) {
            fs_notify::name_event(dir, target.name, abi::in_create);
            return Opened {target.parent->add_child(target.name, made.release_value()), true};
        }
        if (made.error() != Errno::eexist || (flags & o_excl) || attempt == attempts)
            return made.error();
        if (auto existing = target.parent->child(target.name); !existing.is_error())
            return Opened {existing.value(), false};
        lookup = fresh;
    }
}

/// What an open asks of an existing object (Linux's may_open): read and write as the access
/// mode says (3 asks for both), write for O_TRUNC; O_NOATIME only for the owner or CAP_FOWNER.
Result<void> may_open(const Credentials& creds, Inode& inode, u32 flags)
{
    if (flags & o_path)
        return {};
    u32 access = flags & o_accmode;
    u32 mask = (access == o_rdonly ? may_read : access == o_wronly ? may_write : may_read | may_write);
    if ((flags & o_trunc) && inode.is_regular())
        mask |= may_write;
    auto st = TRY(inode.stat());
    TRY(generic_permission(creds, st, mask));
    if ((flags & o_noatime) && !is_owner_or_capable(creds, st))
        return Errno::eperm;
    return {};
}

/// open(2) with openat2's RESOLVE_* flags (none for open and openat).
Result<long> open_resolved(Context& ctx, int dirfd, const std::string& path, u32 flags, u32 mode, u64 resolve)
{
    if (flags & ~abi::valid_open_flags)
        return Errno::einval;
    // RESOLVE_CACHED cannot create or truncate: that would need to block (openat2(2)).
    if ((resolve & abi::resolve_cached) && (flags & (o_creat | o_trunc | o_tmpfile)))
        return Errno::eagain;
    if ((flags & o_tmpfile) == o_tmpfile)
        return Errno::enotsup; // FIXME: O_TMPFILE needs unnamed inodes
    if (flags & o_path)
        flags &= abi::o_path_flags;
    int at_flags = (flags & o_nofollow) ? abi::at_symlink_nofollow : 0;
    auto lookup = TRY(make_lookup(ctx, dirfd, path, at_flags, resolve));
    auto [dentry, is_created] = TRY(open_or_create(ctx, lookup, path, flags, mode));
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
    // A file this open made is the caller's whatever mode it got (open(2): creat(path, 0444)
    // returns a writable descriptor).
    if (!is_created)
        TRY(may_open(lookup.credentials(), inode, flags));
    // The lookup is over: a blocking open (a FIFO without a writer) holds nothing of it.
    // A regular file open for writing may not be executed meanwhile, nor opened for writing
    // while it runs (ETXTBSY, Linux's get_write_access in do_dentry_open).
    std::optional<WriteAccess> write_access;
    if (is_writing && inode.is_regular())
        write_access.emplace(TRY(WriteAccess::take(inode)));
    auto file = TRY(inode.open(dentry, flags & ~(o_creat | o_excl | o_noctty | o_trunc | o_cloexec)));
    if (write_access)
        file->hold_write_access(std::move(*write_access));
    if ((flags & o_trunc) && inode.is_regular() && access != o_rdonly) {
        TRY(remove_privs(lookup.credentials(), inode));
        SetAttr attr;
        attr.size = 0;
        TRY(inode.set_attr(attr));
        unmap_truncated_pages(inode, 0);
        fs_notify::object_event(*dentry, abi::in_modify);
    }
    if (!(flags & o_path))
        fs_notify::path_event(*dentry, abi::in_open);
    return TRY(ctx.files().install(file, flags & o_cloexec, 0, ctx.process().rlimit(rlimit_nofile).cur));
}

} // namespace

// Never inlined: `break asterix::services::open_file` then has one location, and one open stops
// once (the README's gdb session, examples/gdb_session).
[[gnu::noinline]] Result<long> open_file(Context& ctx, int dirfd, const std::string& path, u32 flags, u32 mode)
{
    return open_resolved(ctx, dirfd, path, flags, mode, 0);
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
    if (how.flags > 0xffffffffull || (how.flags & ~u64 {abi::valid_open_flags}))
        return Errno::einval;
    if (how.mode & ~u64 {07777} || (how.mode && !(how.flags & o_creat)))
        return Errno::einval;
    if (how.resolve & ~abi::resolve_all)
        return Errno::einval;
    if ((how.resolve & abi::resolve_beneath) && (how.resolve & abi::resolve_in_root))
        return Errno::einval;
    std::string name = TRY(read_path(ctx, path));
    return open_resolved(ctx, dirfd, name, static_cast<u32>(how.flags), static_cast<u32>(how.mode), how.resolve);
}

} // namespace asterix::services
