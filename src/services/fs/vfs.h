#pragma once

#include <string>
#include <vector>

#include "services/fs/dentry.h"
#include "services/fs/lookup.h"

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

/// Walks `path` from `start` (absolute paths from `root`) to a dentry, as the kernel itself does
/// (no RESOLVE_* rules, root's credentials): a PathLookup of one call. The last symlink is
/// followed when `follow` says so (or the path ends in "/"). ".." never climbs above `root`.
Result<Ref<Dentry>> walk_path(const Ref<Dentry>& root, const Ref<Dentry>& start, std::string_view path, Follow follow);
/// Walks to the parent of the last component, as walk_path.
Result<ParentAndName> walk_parent(const Ref<Dentry>& root, const Ref<Dentry>& start, std::string_view path);

} // namespace asterix::services
