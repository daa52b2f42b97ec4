#pragma once

#include <string>

#include "services/fs/vfs.h"
#include "services/syscalls/context.h"

namespace asterix::services {

/// Reads a path argument: EFAULT for a bad pointer, ENAMETOOLONG past PATH_MAX.
Result<std::string> read_path(Context& ctx, UserPtr<char> path);

/// The directory a relative path starts from: the working directory for AT_FDCWD, else the
/// directory open on `dirfd` (EBADF, ENOTDIR).
Result<Ref<Dentry>> start_dir(Context& ctx, int dirfd);

/// Resolves a path argument relative to `dirfd`. With `allow_empty` (AT_EMPTY_PATH), an empty
/// path names `dirfd` itself.
Result<Ref<Dentry>> lookup_at(Context& ctx, int dirfd, const std::string& path, Follow follow, bool allow_empty = false);
Result<ParentAndName> lookup_parent_at(Context& ctx, int dirfd, const std::string& path);

/// EROFS when the dentry's file system is mounted read-only.
Result<void> check_writable_fs(const Dentry& dentry);

} // namespace asterix::services
