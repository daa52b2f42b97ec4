#pragma once

#include <string_view>

#include "frame/types.h"

namespace asterix::services {

class Dentry;
class File;
class Inode;

/// Linux's fsnotify: the one place where the VFS reports what changed, for inotify to hear.
/// The syscalls and the file code call these after an operation succeeded; each costs a map
/// lookup when nobody watches.
namespace fs_notify {

/// Whether an event came through an open file whose name is gone (Linux's path event on a
/// d_unlinked dentry): watches with IN_EXCL_UNLINK do not hear those.
enum class Origin { linked, unlinked_file };

/// Something happened to the object `dentry` names (IN_ATTRIB, IN_MODIFY by truncate): its own
/// watchers hear it, and its directory's with its name.
void object_event(const Dentry& dentry, u32 mask);
/// Something was done through an open file of `dentry` (IN_OPEN, IN_ACCESS, IN_MODIFY by a
/// write, IN_CLOSE_*): as object_event, but an unlinked file's events are Origin::unlinked_file.
void path_event(const Dentry& dentry, u32 mask);
/// The object an open file description names (nothing for files outside the tree).
void file_event(File& file, u32 mask);
/// A name appeared in or left the directory (IN_CREATE, IN_DELETE, IN_MOVED_FROM, IN_MOVED_TO;
/// IN_ISDIR when it names a directory), with the cookie that pairs the two halves of a rename.
void name_event(Inode& dir, std::string_view name, u32 mask, u32 cookie = 0);
/// Something happened to the object itself, whatever names it (IN_DELETE_SELF, IN_MOVE_SELF).
void self_event(Inode& inode, u32 mask);
/// A fresh cookie for one rename.
u32 next_cookie();

/// What inotify registers to hear an inode: called with the event, the name (empty for the
/// object's own watchers), the cookie and where the event came from.
class Listener {
public:
    virtual void on_event(Inode& inode, u32 mask, std::string_view name, u32 cookie, Origin origin) = 0;

protected:
    ~Listener() = default;
};
/// Which object an inode is: some file systems (hostfs) make a new Inode for each lookup of
/// one file, so watches go by file system and inode number.
struct ObjectKey {
    const void* fs {nullptr};
    u64 ino {0};
    auto operator<=>(const ObjectKey&) const = default;
};
ObjectKey key_of(Inode& inode);
void listen(const ObjectKey& key, Listener& listener);
void unlisten(const ObjectKey& key, Listener& listener);

} // namespace fs_notify

} // namespace asterix::services
