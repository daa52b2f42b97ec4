#include "services/fs/vfs.h"

#include "services/abi/fcntl.h"

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

/// Takes the flags the file system itself honours from a mount's option string.
void apply_options(Inode& root_inode, std::string_view options)
{
    while (!options.empty()) {
        auto comma = options.find(',');
        std::string_view option = options.substr(0, comma);
        if (option == "nosuid")
            root_inode.fs().set_nosuid(true);
        options = comma == std::string_view::npos ? std::string_view {} : options.substr(comma + 1);
    }
}

Ref<Dentry> follow_mounts(Ref<Dentry> dentry)
{
    while (dentry->mounted)
        dentry = dentry->mounted;
    return dentry;
}

} // namespace

void Vfs::set_root(Ref<Inode> root_inode, std::string source, std::string options)
{
    auto& vfs = state();
    apply_options(*root_inode, options);
    vfs.root = make_ref<Dentry>("/", Ref<Dentry>(), std::move(root_inode));
    vfs.mounts.clear();
    vfs.mounts.push_back({std::move(source), Ref<Dentry>(), vfs.root, std::move(options)});
}

Ref<Dentry> Vfs::root() { return state().root; }

Result<void> Vfs::mount(const Ref<Dentry>& at, Ref<Inode> root_inode, std::string source, std::string options)
{
    // A directory goes on a directory, and (as a bind mount of one file may) a file on a file.
    if (at->inode().is_directory() != root_inode->is_directory())
        return Errno::enotdir;
    apply_options(*root_inode, options);
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
    int at_flags = follow == Follow::no_follow ? abi::at_symlink_nofollow : 0;
    return PathLookup(root, start, 0, at_flags, Credentials::kernel()).walk(path);
}

Result<ParentAndName> walk_parent(const Ref<Dentry>& root, const Ref<Dentry>& start, std::string_view path)
{
    return PathLookup(root, start, 0, 0, Credentials::kernel()).walk_parent(path);
}

} // namespace asterix::services
