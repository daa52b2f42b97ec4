#include "services/fs/lookup.h"

#include "services/abi/fcntl.h"
#include "services/fs/permission.h"

namespace asterix::services {

namespace {

/// Splits off the next component; `rest` keeps what follows (without leading slashes).
std::string_view next_component(std::string_view& rest)
{
    while (!rest.empty() && rest.front() == '/')
        rest.remove_prefix(1);
    auto slash = rest.find('/');
    std::string_view component = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view {} : rest.substr(slash);
    while (!rest.empty() && rest.front() == '/')
        rest.remove_prefix(1);
    return component;
}

bool is_same_fs(const Dentry& a, const Dentry& b) { return &a.inode().fs() == &b.inode().fs(); }

} // namespace

PathLookup::PathLookup(Ref<Dentry> root, Ref<Dentry> start, u64 resolve, int at_flags, Ref<const Credentials> credentials)
    : m_root(std::move(root)), m_start(std::move(start)), m_resolve(resolve), m_at_flags(at_flags),
      m_credentials(std::move(credentials))
{
    // A scoped lookup treats its starting directory as the root (openat2(2)).
    if (is_scoped())
        m_root = m_start;
}

bool PathLookup::is_scoped() const { return m_resolve & (abi::resolve_beneath | abi::resolve_in_root); }

Result<void> PathLookup::cross(Crossing crossing, const Dentry& from, const Dentry& to)
{
    switch (crossing) {
    case Crossing::search:
        // Linux's may_lookup: every directory walked through needs search permission.
        return inode_permission(*m_credentials, from.inode(), may_exec);
    case Crossing::symlink:
        if (--m_links_left < 0)
            return Errno::eloop;
        if (m_resolve & abi::resolve_no_symlinks)
            return Errno::eloop;
        return {};
    case Crossing::magic_link:
        // The order of Linux's nd_jump_link: ELOOP, then a mount change, then a scoped walk.
        if (m_resolve & (abi::resolve_no_magiclinks | abi::resolve_no_symlinks))
            return Errno::eloop;
        if ((m_resolve & abi::resolve_no_xdev) && !is_same_fs(from, to))
            return Errno::exdev;
        if (is_scoped())
            return Errno::exdev; // a magic link may lead anywhere, out of the scope too
        return {};
    case Crossing::mount:
        if (m_resolve & abi::resolve_no_xdev)
            return Errno::exdev;
        return {};
    case Crossing::absolute:
        // RESOLVE_BENEATH: an absolute path or symlink escapes, which is EXDEV (not ENOENT).
        if (m_resolve & abi::resolve_beneath)
            return Errno::exdev;
        if ((m_resolve & abi::resolve_no_xdev) && !is_same_fs(from, to))
            return Errno::exdev;
        return {};
    case Crossing::dot_dot_at_root:
        // RESOLVE_IN_ROOT (and chroot) keep ".." at the root; RESOLVE_BENEATH refuses it.
        if (m_resolve & abi::resolve_beneath)
            return Errno::exdev;
        return {};
    }
    return {};
}

Result<Ref<Dentry>> PathLookup::walk(std::string_view path)
{
    if (path.empty()) {
        if (m_at_flags & abi::at_empty_path)
            return m_start;
        return Errno::enoent;
    }
    Follow follow_last = (m_at_flags & abi::at_symlink_nofollow) ? Follow::no_follow : Follow::follow;
    return walk_from(m_start, path, follow_last);
}

Result<Ref<Dentry>> PathLookup::jump_to_root(const Dentry& from)
{
    TRY(cross(Crossing::absolute, from, *m_root));
    return m_root;
}

Result<Ref<Dentry>> PathLookup::step_down(const Ref<Dentry>& directory, std::string_view name)
{
    Ref<Dentry> child;
    if (m_resolve & abi::resolve_cached) {
        // Only what the dentry cache holds: asking the file system might block.
        // (A cached name that may have changed on the host is checked: one host call, which
        // does not block.)
        child = directory->cached_child(name);
        if (!child || !(child->mounted || TRY(directory->inode().revalidate(name, child->inode()))))
            return Errno::eagain;
    } else {
        child = TRY(directory->child(name));
    }
    while (child->mounted) {
        TRY(cross(Crossing::mount, *child, *child->mounted));
        child = child->mounted;
    }
    return child;
}

Result<Ref<Dentry>> PathLookup::step_up(const Ref<Dentry>& current)
{
    if (current == m_root) {
        TRY(cross(Crossing::dot_dot_at_root, *current, *current));
        return current;
    }
    // From the root of a mounted file system, ".." leaves through the mount point.
    Ref<Dentry> at = current;
    while (at->covered && at != m_root) {
        TRY(cross(Crossing::mount, *at, *at->covered));
        at = Ref<Dentry>(at->covered);
    }
    if (at == m_root || !at->parent())
        return at;
    return Ref<Dentry>(at->parent());
}

Result<Ref<Dentry>> PathLookup::follow_link(const Ref<Dentry>& directory, const Ref<Dentry>& link)
{
    TRY(cross(Crossing::symlink, *directory, *link));
    Inode& inode = link->inode();
    if (inode.is_magic_link()) {
        auto target = TRY(inode.follow_magic_link());
        TRY(cross(Crossing::magic_link, *link, *target));
        return target;
    }
    std::string text = TRY(inode.read_link());
    if (text.empty())
        return Errno::enoent;
    // What a symlink names is always followed to its end, whatever the last component's rule.
    return walk_from(directory, text, Follow::follow);
}

Result<Ref<Dentry>> PathLookup::walk_from(Ref<Dentry> current, std::string_view path, Follow follow_last)
{
    if (path.empty())
        return Errno::enoent;
    if (path.front() == '/')
        current = TRY(jump_to_root(*current));
    bool has_trailing_slash = path.back() == '/';
    std::string_view rest = path;
    while (true) {
        std::string_view name = next_component(rest);
        if (name.empty())
            break;
        bool is_last = rest.empty();
        if (!current->inode().is_directory())
            return Errno::enotdir;
        TRY(cross(Crossing::search, *current, *current));
        if (name == ".")
            continue;
        if (name == "..") {
            current = TRY(step_up(current));
            continue;
        }
        if (name.size() > name_max)
            return Errno::enametoolong;
        auto child = TRY(step_down(current, name));
        bool must_follow = !is_last || follow_last == Follow::follow || has_trailing_slash;
        if (child->inode().is_symlink() && must_follow)
            child = TRY(follow_link(current, child));
        current = child;
    }
    if (has_trailing_slash && !current->inode().is_directory())
        return Errno::enotdir;
    return current;
}

Result<ParentAndName> PathLookup::walk_parent(std::string_view path) { return walk_parent_from(m_start, path); }

Result<ParentAndName> PathLookup::walk_parent_from(const Ref<Dentry>& start, std::string_view path)
{
    if (path.empty())
        return Errno::enoent;
    bool has_trailing_slash = path.size() > 1 && path.back() == '/';
    std::string_view trimmed = path;
    while (trimmed.size() > 1 && trimmed.back() == '/')
        trimmed.remove_suffix(1);
    auto slash = trimmed.rfind('/');
    std::string_view dir = slash == std::string_view::npos ? std::string_view {} : trimmed.substr(0, slash + 1);
    std::string_view name = slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1);
    if (name.size() > name_max)
        return Errno::enametoolong;
    Ref<Dentry> parent = dir.empty() ? start : TRY(walk_from(start, dir, Follow::follow));
    if (!parent->inode().is_directory())
        return Errno::enotdir;
    if (trimmed == "/")
        return ParentAndName {parent, "", has_trailing_slash};
    return ParentAndName {parent, std::string(name), has_trailing_slash};
}

Result<CreateTarget> PathLookup::walk_to_create(std::string_view path, bool is_exclusive)
{
    Ref<Dentry> start = m_start;
    std::string text(path);
    bool is_following = !(m_at_flags & abi::at_symlink_nofollow);
    // Each turn walks one path: the argument, then the text of each symlink met last.
    for (;;) {
        auto where = TRY(walk_parent_from(start, text));
        if (where.name.empty() || where.name == "." || where.name == "..")
            return Errno::eisdir;
        // Linux's open_last_lookups: O_CREAT on a name with a trailing slash is EISDIR.
        if (where.has_trailing_slash)
            return Errno::eisdir;
        TRY(cross(Crossing::search, *where.parent, *where.parent));
        auto child = step_down(where.parent, where.name);
        if (child.is_error()) {
            if (child.error() != Errno::enoent)
                return child.error();
            return CreateTarget {Ref<Dentry>(), where.parent, std::move(where.name)};
        }
        if (is_exclusive)
            return Errno::eexist;
        Ref<Dentry> existing = child.release_value();
        if (!existing->inode().is_symlink() || !is_following)
            return CreateTarget {existing, where.parent, std::move(where.name)};
        TRY(cross(Crossing::symlink, *where.parent, *existing));
        Inode& inode = existing->inode();
        if (inode.is_magic_link()) {
            auto target = TRY(inode.follow_magic_link());
            TRY(cross(Crossing::magic_link, *existing, *target));
            return CreateTarget {target, where.parent, std::move(where.name)};
        }
        text = TRY(inode.read_link());
        if (text.empty())
            return Errno::enoent;
        start = where.parent;
    }
}

} // namespace asterix::services
