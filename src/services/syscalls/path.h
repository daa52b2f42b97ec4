#pragma once

#include <string>

#include "services/fs/lookup.h"
#include "services/fs/vfs.h"
#include "services/syscalls/context.h"

namespace asterix::services {

/// Reads a path argument: EFAULT for a bad pointer, ENAMETOOLONG past PATH_MAX.
Result<std::string> read_path(Context& ctx, UserPtr<char> path);

/// The directory a relative path starts from: the working directory for AT_FDCWD, else the
/// directory open on `dirfd` (EBADF, ENOTDIR).
Result<Ref<Dentry>> start_dir(Context& ctx, int dirfd);


/// The lookup of one path argument: the process's root, the start named by `dirfd` (not needed
/// for an absolute path unless RESOLVE_BENEATH or RESOLVE_IN_ROOT make it the root; for an empty
/// path with AT_EMPTY_PATH, the object open on `dirfd`), the AT_* flags of the call (only
/// AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH change a walk) and openat2's RESOLVE_* flags.
Result<PathLookup> make_lookup(Context& ctx, int dirfd, std::string_view path, int at_flags, u64 resolve = 0);

/// Resolves a path argument relative to `dirfd`, with the call's AT_* flags.
Result<Ref<Dentry>> lookup_at(Context& ctx, int dirfd, const std::string& path, int at_flags);
/// Resolves all but the last component of a path argument relative to `dirfd`.
Result<ParentAndName> lookup_parent_at(Context& ctx, int dirfd, const std::string& path);

/// EROFS when the dentry's file system is mounted read-only.
Result<void> check_writable_fs(const Dentry& dentry);

} // namespace asterix::services
