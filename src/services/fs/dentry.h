#pragma once

#include <map>
#include <string>

#include "frame/ref.h"
#include "services/fs/inode.h"

namespace asterix::services {

/// A name in the directory tree bound to an inode. Live dentries are indexed by their parent
/// (the dentry cache): a lookup finds a dentry that is still in use without asking the file
/// system, and mount points are dentries kept alive by the mount table.
class Dentry : public RefCounted<Dentry> {
public:
    Dentry(std::string name, Ref<Dentry> parent, Ref<Inode> inode);
    ~Dentry();

    const std::string& name() const { return m_name; }
    Dentry* parent() const { return m_parent.ptr(); }
    Inode& inode() const { return *m_inode; }
    Ref<Inode> inode_ref() const { return m_inode; }

    /// The live child called `name`, if any.
    Ref<Dentry> cached_child(std::string_view name) const;
    /// The child `name`: from the cache, or looked up in the file system and cached.
    Result<Ref<Dentry>> child(std::string_view name);
    /// The child `name` for `inode`, just made in this directory (the cache forgets any other
    /// dentry by that name): no lookup, which could find something else by then.
    Ref<Dentry> add_child(std::string_view name, Ref<Inode> inode);
    /// Forgets the child `name` (after unlink or rename); it stays alive for whoever holds it.
    void forget_child(std::string_view name);
    /// Moves this dentry under `new_parent` as `new_name` (after a rename).
    void move_to(const Ref<Dentry>& new_parent, std::string new_name);

    /// The root of the file system mounted here, if any.
    Ref<Dentry> mounted;
    /// For the root dentry of a mounted file system: the mount point it covers.
    Dentry* covered {nullptr};

    /// The absolute guest path ("/usr/bin"); "(deleted)" marks a detached dentry.
    std::string path() const;
    bool is_detached() const { return m_is_detached; }
    /// Marks a dentry that was never in its parent's directory (a memfd) as detached.
    void set_detached() { m_is_detached = true; }

private:
    std::string m_name;
    Ref<Dentry> m_parent;
    Ref<Inode> m_inode;
    std::map<std::string, Dentry*, std::less<>> m_children;
    bool m_is_detached {false};
};

} // namespace asterix::services
