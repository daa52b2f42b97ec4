#pragma once

#include <string>
#include <vector>

#include "services/fs/dentry.h"

namespace asterix::services {

/// One entry of the mount table.
struct Mount {
    std::string source;
    Ref<Dentry> mount_point; ///< null for the root mount
    Ref<Dentry> root;
    std::string options;
};

/// The tree the kernel serves: the root file system and what is mounted on it.
class Vfs {
public:
    /// Sets the root file system (hostfs at boot).
    static void set_root(Ref<Inode> root_inode, std::string source, std::string options);
    static Ref<Dentry> root();
    /// Mounts a file system (its root inode) on the directory `at`.
    static Result<void> mount(const Ref<Dentry>& at, Ref<Inode> root_inode, std::string source, std::string options);
    static const std::vector<Mount>& mounts();
};

/// Most symlinks one lookup follows (Linux's MAXSYMLINKS).
inline constexpr int max_symlinks = 40;

enum class Follow : u8 { follow, no_follow };

/// The result of walking all but the last component of a path.
struct ParentAndName {
    Ref<Dentry> parent;
    std::string name; ///< empty for "/" ; "." or ".." are returned as they are
    bool has_trailing_slash;
};

/// Walks `path` from `start` (absolute paths from `root`) to a dentry. Symlinks in the middle
/// are always followed, the last one when `follow` says so (or the path ends in "/"). ".." never
/// climbs above `root`.
Result<Ref<Dentry>> walk_path(const Ref<Dentry>& root, const Ref<Dentry>& start, std::string_view path, Follow follow);
/// Walks to the parent of the last component.
Result<ParentAndName> walk_parent(const Ref<Dentry>& root, const Ref<Dentry>& start, std::string_view path);

} // namespace asterix::services
