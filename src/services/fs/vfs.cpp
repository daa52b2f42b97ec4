#include "services/fs/vfs.h"

namespace asterix::services {

namespace {

struct VfsState {
    Ref<Dentry> root;
    std::vector<Mount> mounts;
};

VfsState& state()
{
    static VfsState* vfs = new VfsState();
    return *vfs;
}

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

Ref<Dentry> follow_mounts(Ref<Dentry> dentry)
{
    while (dentry->mounted)
        dentry = dentry->mounted;
    return dentry;
}

Ref<Dentry> parent_of(const Ref<Dentry>& root, Ref<Dentry> dentry)
{
    if (dentry == root)
        return dentry;
    // From the root of a mounted file system, ".." leaves through the mount point.
    while (dentry->covered && dentry != root)
        dentry = Ref<Dentry>(dentry->covered);
    if (dentry == root || !dentry->parent())
        return dentry;
    return Ref<Dentry>(dentry->parent());
}

Result<Ref<Dentry>> walk(const Ref<Dentry>& root, Ref<Dentry> current, std::string_view path, Follow follow, int& links_left)
{
    if (path.empty())
        return Errno::enoent;
    if (path.front() == '/')
        current = root;
    bool has_trailing_slash = path.back() == '/';
    std::string_view rest = path;
    while (true) {
        std::string_view name = next_component(rest);
        if (name.empty())
            break;
        bool is_last = rest.empty();
        if (!current->inode().is_directory())
            return Errno::enotdir;
        if (name == ".")
            continue;
        if (name == "..") {
            current = parent_of(root, current);
            continue;
        }
        if (name.size() > name_max)
            return Errno::enametoolong;
        auto child = follow_mounts(TRY(current->child(name)));
        bool must_follow = !is_last || follow == Follow::follow || has_trailing_slash;
        if (child->inode().is_symlink() && must_follow) {
            if (--links_left < 0)
                return Errno::eloop;
            if (child->inode().is_magic_link()) {
                current = TRY(child->inode().follow_magic_link());
                continue;
            }
            std::string target = TRY(child->inode().read_link());
            if (target.empty())
                return Errno::enoent;
            child = TRY(walk(root, current, target, Follow::follow, links_left));
        }
        current = child;
    }
    if (has_trailing_slash && !current->inode().is_directory())
        return Errno::enotdir;
    return current;
}

} // namespace

void Vfs::set_root(Ref<Inode> root_inode, std::string source, std::string options)
{
    auto& vfs = state();
    vfs.root = make_ref<Dentry>("/", Ref<Dentry>(), std::move(root_inode));
    vfs.mounts.clear();
    vfs.mounts.push_back({std::move(source), Ref<Dentry>(), vfs.root, std::move(options)});
}

Ref<Dentry> Vfs::root() { return state().root; }

Result<void> Vfs::mount(const Ref<Dentry>& at, Ref<Inode> root_inode, std::string source, std::string options)
{
    if (!at->inode().is_directory())
        return Errno::enotdir;
    Ref<Dentry> top = follow_mounts(at);
    auto mounted = make_ref<Dentry>(top->name(), Ref<Dentry>(), std::move(root_inode));
    mounted->covered = top.ptr();
    top->mounted = mounted;
    state().mounts.push_back({std::move(source), top, mounted, std::move(options)});
    return {};
}

const std::vector<Mount>& Vfs::mounts() { return state().mounts; }

Result<Ref<Dentry>> walk_path(const Ref<Dentry>& root, const Ref<Dentry>& start, std::string_view path, Follow follow)
{
    int links_left = max_symlinks;
    return walk(root, start, path, follow, links_left);
}

Result<ParentAndName> walk_parent(const Ref<Dentry>& root, const Ref<Dentry>& start, std::string_view path)
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
    Ref<Dentry> parent = dir.empty() ? start : TRY(walk_path(root, start, dir, Follow::follow));
    if (!parent->inode().is_directory())
        return Errno::enotdir;
    if (trimmed == "/")
        return ParentAndName {parent, "", has_trailing_slash};
    return ParentAndName {parent, std::string(name), has_trailing_slash};
}

} // namespace asterix::services
