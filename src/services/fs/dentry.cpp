#include "services/fs/dentry.h"

#include <deque>

namespace asterix::services {

namespace {

/// How many dentries the cache keeps after their last user went, for file systems that ask
/// (FileSystem::keeps_unused_dentries): enough for the directories and files a compiler run
/// or a tree walk comes back to. Each holds a host descriptor, from the guests' share.
constexpr usize recent_dentries_max = 512;

/// The dentries most recently looked up in such file systems, oldest first. Never destroyed
/// (as the mount table): at exit, inodes must not go after the indexes they leave.
std::deque<Ref<Dentry>>& recent_dentries()
{
    static auto* recent = new std::deque<Ref<Dentry>>();
    return *recent;
}

void keep_recent(const Ref<Dentry>& dentry)
{
    auto& recent = recent_dentries();
    recent.push_back(dentry);
    if (recent.size() > recent_dentries_max)
        recent.pop_front();
}

} // namespace

Dentry::Dentry(std::string name, Ref<Dentry> parent, Ref<Inode> inode)
    : m_name(std::move(name)), m_parent(std::move(parent)), m_inode(std::move(inode))
{
}

Dentry::~Dentry()
{
    if (m_parent && !m_is_detached) {
        auto it = m_parent->m_children.find(m_name);
        if (it != m_parent->m_children.end() && it->second == this)
            m_parent->m_children.erase(it);
    }
}

Ref<Dentry> Dentry::cached_child(std::string_view name) const
{
    auto it = m_children.find(name);
    return it == m_children.end() ? Ref<Dentry>() : Ref<Dentry>(it->second);
}

Result<Ref<Dentry>> Dentry::child(std::string_view name)
{
    if (auto cached = cached_child(name)) {
        // A mount point stays what it is: the mount holds it, whatever the host did below.
        if (cached->mounted || TRY(m_inode->revalidate(name, cached->inode())))
            return cached;
        forget_child(name);
    }
    return add_child(name, TRY(m_inode->lookup(name)));
}

Ref<Dentry> Dentry::add_child(std::string_view name, Ref<Inode> inode)
{
    forget_child(name);
    auto dentry = make_ref<Dentry>(std::string(name), Ref<Dentry>(this), std::move(inode));
    m_children[dentry->m_name] = dentry.ptr();
    if (dentry->inode().fs().keeps_unused_dentries())
        keep_recent(dentry);
    return dentry;
}

void Dentry::forget_child(std::string_view name)
{
    auto it = m_children.find(name);
    if (it == m_children.end())
        return;
    it->second->m_is_detached = true;
    m_children.erase(it);
}

void Dentry::move_to(const Ref<Dentry>& new_parent, std::string new_name)
{
    if (m_parent && !m_is_detached) {
        auto it = m_parent->m_children.find(m_name);
        if (it != m_parent->m_children.end() && it->second == this)
            m_parent->m_children.erase(it);
    }
    new_parent->forget_child(new_name);
    m_parent = new_parent;
    m_name = std::move(new_name);
    m_is_detached = false;
    m_parent->m_children[m_name] = this;
}

std::string Dentry::path() const
{
    std::string out;
    const Dentry* at = this;
    for (;;) {
        while (at->covered)
            at = at->covered;
        if (!at->m_parent)
            break;
        out = "/" + at->m_name + out;
        at = at->m_parent.ptr();
    }
    if (out.empty())
        out = "/";
    if (m_is_detached)
        out += " (deleted)";
    return out;
}

} // namespace asterix::services
