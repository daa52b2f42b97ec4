#include <doctest/doctest.h>

#include "services/fs/ram_fs.h"
#include "services/fs/vfs.h"

using namespace asterix;
using namespace asterix::services;

namespace {

/// A tmpfs tree: /a/b/file, /a/link -> b, /a/abs -> /a/b, /loop1 <-> /loop2, /dangling -> /nope.
Ref<Dentry> make_tree()
{
    auto root_inode = RamFs::make_tmpfs(1 << 20);
    Vfs::set_root(root_inode, "tmpfs", "rw");
    auto root = Vfs::root();
    MUST(root_inode->mkdir("a", 0755, {}));
    auto a = MUST(root_inode->lookup("a"));
    MUST(a->mkdir("b", 0755, {}));
    auto b = MUST(a->lookup("b"));
    MUST(b->create("file", 0644, {}));
    MUST(a->symlink("link", "b", {}));
    MUST(a->symlink("abs", "/a/b", {}));
    MUST(root_inode->symlink("loop1", "loop2", {}));
    MUST(root_inode->symlink("loop2", "loop1", {}));
    MUST(root_inode->symlink("dangling", "/nope", {}));
    return root;
}

Result<std::string> resolve(const Ref<Dentry>& root, const std::string& path, Follow follow = Follow::follow)
{
    auto dentry = TRY(walk_path(root, root, path, follow));
    return dentry->path();
}

} // namespace

TEST_CASE("path walk: components, dot, dot-dot and symlinks")
{
    auto root = make_tree();
    CHECK(resolve(root, "/a/b/file").value() == "/a/b/file");
    CHECK(resolve(root, "/a/./b/../b/file").value() == "/a/b/file");
    CHECK(resolve(root, "/a/link/file").value() == "/a/b/file");
    CHECK(resolve(root, "/a/abs/file").value() == "/a/b/file");
    CHECK(resolve(root, "a//b///file").value() == "/a/b/file");
    CHECK(resolve(root, "/a/link", Follow::no_follow).value() == "/a/link");
    CHECK(resolve(root, "/a/link/", Follow::no_follow).value() == "/a/b"); // a trailing slash follows
}

TEST_CASE("path walk: .. at the root stays at the root, also through symlinks")
{
    auto root = make_tree();
    CHECK(resolve(root, "/..").value() == "/");
    CHECK(resolve(root, "/../../a/b").value() == "/a/b");
    // A walk rooted below the real root (chroot, RESOLVE_IN_ROOT) cannot climb out of it.
    auto a = MUST(walk_path(root, root, "/a", Follow::follow));
    auto inside = MUST(walk_path(a, a, "../../b/file", Follow::follow));
    CHECK(inside->path() == "/a/b/file");
    auto absolute = MUST(walk_path(a, a, "/b", Follow::follow));
    CHECK(absolute->path() == "/a/b");
}

TEST_CASE("path walk: errors")
{
    auto root = make_tree();
    CHECK(resolve(root, "/missing").error() == Errno::enoent);
    CHECK(resolve(root, "/a/b/file/x").error() == Errno::enotdir);
    CHECK(resolve(root, "/a/b/file/").error() == Errno::enotdir);
    CHECK(resolve(root, "/loop1").error() == Errno::eloop);
    CHECK(resolve(root, "/loop1", Follow::no_follow).value() == "/loop1");
    CHECK(resolve(root, "/dangling").error() == Errno::enoent);
    CHECK(resolve(root, "/" + std::string(256, 'x')).error() == Errno::enametoolong);
    CHECK(resolve(root, "").error() == Errno::enoent);
}

TEST_CASE("path walk: forty symlinks are followed, the forty-first is ELOOP")
{
    auto root = make_tree();
    auto& root_inode = root->inode();
    MUST(root_inode.create("target", 0644, {}));
    MUST(root_inode.symlink("l0", "target", {}));
    for (int i = 1; i <= 40; ++i)
        MUST(root_inode.symlink("l" + std::to_string(i), "l" + std::to_string(i - 1), {}));
    CHECK(resolve(root, "/l39").value() == "/target");
    CHECK(resolve(root, "/l40").error() == Errno::eloop);
}

TEST_CASE("mounts cover a directory, and .. leaves a mounted file system through its mount point")
{
    auto root = make_tree();
    auto a = MUST(walk_path(root, root, "/a", Follow::follow));
    auto mounted = RamFs::make_tmpfs(1 << 20);
    MUST(mounted->mkdir("inner", 0755, {}));
    MUST(Vfs::mount(a, mounted, "tmpfs", "rw"));
    CHECK(resolve(root, "/a/inner").value() == "/a/inner");
    CHECK(resolve(root, "/a/b").error() == Errno::enoent); // covered
    CHECK(resolve(root, "/a/inner/../..").value() == "/");
    CHECK(Vfs::mounts().size() == 2);
}

TEST_CASE("walk_parent splits off the last component")
{
    auto root = make_tree();
    auto where = MUST(walk_parent(root, root, "/a/b/new/"));
    CHECK(where.parent->path() == "/a/b");
    CHECK(where.name == "new");
    CHECK(where.has_trailing_slash);
    CHECK(walk_parent(root, root, "/a/b/file/x").error() == Errno::enotdir);
}

TEST_CASE("tmpfs: rename, unlink and rmdir keep link counts and refuse what Linux refuses")
{
    auto root = make_tree();
    auto& dir = root->inode();
    MUST(dir.create("f", 0644, {}));
    MUST(dir.mkdir("d", 0755, {}));
    CHECK(dir.mkdir("d", 0755, {}).error() == Errno::eexist);
    CHECK(dir.unlink("d", false).error() == Errno::eisdir);
    CHECK(dir.unlink("f", true).error() == Errno::enotdir);
    CHECK(dir.unlink("a", true).error() == Errno::enotempty);
    MUST(dir.rename("f", dir, "g", 0));
    CHECK(dir.lookup("f").error() == Errno::enoent);
    auto d = MUST(dir.lookup("d"));
    MUST(dir.rename("g", *d, "x", 0));
    CHECK(MUST(d->stat()).nlink == 2);
    CHECK(dir.unlink("d", true).error() == Errno::enotempty);
    u32 root_links = MUST(dir.stat()).nlink;
    MUST(d->unlink("x", false));
    MUST(dir.unlink("d", true));
    CHECK(MUST(dir.stat()).nlink == root_links - 1);
}

TEST_CASE("mount: a file goes on a file and a directory on a directory, never across")
{
    auto root = make_tree();
    auto other = RamFs::make_tmpfs(1 << 20);
    auto replacement = MUST(other->create("replacement", 0644, {}));
    auto file = MUST(walk_path(root, root, "/a/b/file", Follow::follow));
    auto directory = MUST(walk_path(root, root, "/a/b", Follow::follow));
    CHECK(Vfs::mount(directory, replacement, "tmpfs", "rw").error() == Errno::enotdir);
    CHECK(Vfs::mount(file, other, "tmpfs", "rw").error() == Errno::enotdir);
    CHECK(!Vfs::mount(file, replacement, "tmpfs", "rw").is_error());
    // A lookup of the path now finds the mounted file, and its path is the mount point's.
    auto found = MUST(walk_path(root, root, "/a/link/file", Follow::follow));
    CHECK(&found->inode() == replacement.ptr());
    CHECK(found->path() == "/a/b/file");
}
