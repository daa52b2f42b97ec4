#include <doctest/doctest.h>

#include "services/abi/fcntl.h"
#include "services/fs/lookup.h"
#include "services/fs/ram_fs.h"
#include "services/fs/vfs.h"

using namespace asterix;
using namespace asterix::services;

namespace {

/// A tmpfs tree: /top/file, /top/root/{file, sub/, rel -> sub, abs -> /top/file, up -> ../file},
/// /top/d -> . and a chain /top/l0 -> newfile, /top/lN -> d/l(N-1) for N = 1..25.
Ref<Dentry> make_tree()
{
    auto root_inode = RamFs::make_tmpfs(1 << 20);
    Vfs::set_root(root_inode, "tmpfs", "rw");
    MUST(root_inode->mkdir("top", 0755, {}));
    auto top = MUST(root_inode->lookup("top"));
    MUST(top->create("file", 0644, {}));
    MUST(top->mkdir("root", 0755, {}));
    auto root = MUST(top->lookup("root"));
    MUST(root->create("file", 0644, {}));
    MUST(root->mkdir("sub", 0755, {}));
    MUST(root->symlink("rel", "sub", {}));
    MUST(root->symlink("abs", "/top/file", {}));
    MUST(root->symlink("up", "../file", {}));
    MUST(top->symlink("d", ".", {}));
    MUST(top->symlink("l0", "newfile", {}));
    for (int i = 1; i <= 25; ++i)
        MUST(top->symlink("l" + std::to_string(i), "d/l" + std::to_string(i - 1), {}));
    return Vfs::root();
}

Ref<Dentry> at(const Ref<Dentry>& root, std::string_view path) { return MUST(walk_path(root, root, path, Follow::follow)); }

PathLookup lookup(const Ref<Dentry>& root, std::string_view start, u64 resolve = 0, int at_flags = 0)
{
    return PathLookup(root, at(root, start), resolve, at_flags, Credentials::kernel());
}

Result<std::string> open_path(PathLookup lookup, std::string_view path)
{
    auto dentry = TRY(lookup.walk(path));
    return dentry->path();
}

} // namespace

TEST_CASE("lookup: one budget of 40 symlinks covers the links in the middle and in the last place")
{
    auto root = make_tree();
    // l15 takes 16 chain links and 15 through d: 31.
    auto short_chain = lookup(root, "/top");
    auto target = MUST(short_chain.walk_to_create("l15", false));
    CHECK(!target.existing);
    CHECK(target.parent->path() == "/top");
    CHECK(target.name == "newfile");
    CHECK(short_chain.links_left() == max_symlinks - 31);
    // l25 takes 26 + 25 = 51: ELOOP, for a plain walk and for O_CREAT alike.
    CHECK(lookup(root, "/top").walk_to_create("l25", false).error() == Errno::eloop);
    CHECK(lookup(root, "/top").walk("l25").error() == Errno::eloop);
    // O_EXCL never follows: the link exists.
    CHECK(lookup(root, "/top").walk_to_create("l25", true).error() == Errno::eexist);
    // Without following, the last link itself is the target.
    auto nofollow = MUST(lookup(root, "/top", 0, abi::at_symlink_nofollow).walk_to_create("l25", false));
    CHECK(nofollow.existing->path() == "/top/l25");
}

TEST_CASE("lookup: O_CREAT refuses a trailing slash and dot names")
{
    auto root = make_tree();
    CHECK(lookup(root, "/top").walk_to_create("new/", false).error() == Errno::eisdir);
    CHECK(lookup(root, "/top").walk_to_create("..", false).error() == Errno::eisdir);
    auto existing = MUST(lookup(root, "/top").walk_to_create("root/rel", false));
    CHECK(existing.existing->path() == "/top/root/sub");
}

TEST_CASE("lookup: RESOLVE_BENEATH refuses every escape with EXDEV")
{
    auto root = make_tree();
    auto beneath = [&](std::string_view path) { return open_path(lookup(root, "/top/root", abi::resolve_beneath), path); };
    CHECK(beneath("file").value() == "/top/root/file");
    CHECK(beneath("sub/../file").value() == "/top/root/file");
    CHECK(beneath("rel/../file").value() == "/top/root/file");
    CHECK(beneath("../file").error() == Errno::exdev);
    CHECK(beneath("sub/../../nothing").error() == Errno::exdev);
    CHECK(beneath("/file").error() == Errno::exdev);
    CHECK(beneath("abs").error() == Errno::exdev);
    CHECK(beneath("up").error() == Errno::exdev);
    CHECK(lookup(root, "/top/root", abi::resolve_beneath).walk_parent("/x").error() == Errno::exdev);
}

TEST_CASE("lookup: RESOLVE_IN_ROOT keeps absolute paths, .. and symlinks inside")
{
    auto root = make_tree();
    auto in_root = [&](std::string_view path) { return open_path(lookup(root, "/top/root", abi::resolve_in_root), path); };
    CHECK(in_root("/file").value() == "/top/root/file");
    CHECK(in_root("../../file").value() == "/top/root/file");
    CHECK(in_root("up").value() == "/top/root/file");
    CHECK(in_root("abs").error() == Errno::enoent); // "/top/file" inside the root does not exist
    auto scoped = lookup(root, "/top/root", abi::resolve_in_root);
    CHECK(scoped.root()->path() == "/top/root");
}

TEST_CASE("lookup: RESOLVE_NO_SYMLINKS makes any followed symlink ELOOP")
{
    auto root = make_tree();
    auto no_symlinks = [&](std::string_view path, int at_flags = 0) {
        return open_path(lookup(root, "/top/root", abi::resolve_no_symlinks, at_flags), path);
    };
    CHECK(no_symlinks("sub/../file").value() == "/top/root/file");
    CHECK(no_symlinks("rel/../file").error() == Errno::eloop);
    CHECK(no_symlinks("up").error() == Errno::eloop);
    CHECK(no_symlinks("up", abi::at_symlink_nofollow).value() == "/top/root/up");
    CHECK(lookup(root, "/top/root", abi::resolve_no_symlinks).walk_to_create("up", false).error() == Errno::eloop);
}

TEST_CASE("lookup: RESOLVE_NO_XDEV refuses to enter or leave a mount")
{
    auto root = make_tree();
    auto mounted = RamFs::make_tmpfs(1 << 20);
    MUST(mounted->create("inner", 0644, {}));
    MUST(Vfs::mount(at(root, "/top/root/sub"), mounted, "tmpfs", "rw"));
    CHECK(open_path(lookup(root, "/top/root"), "sub/inner").value() == "/top/root/sub/inner");
    CHECK(open_path(lookup(root, "/top/root", abi::resolve_no_xdev), "sub/inner").error() == Errno::exdev);
    CHECK(open_path(lookup(root, "/top/root", abi::resolve_no_xdev), "up").value() == "/top/file");
    CHECK(open_path(lookup(root, "/top/root/sub", abi::resolve_no_xdev), "..").error() == Errno::exdev);
    CHECK(open_path(lookup(root, "/top/root/sub"), "..").value() == "/top/root");
}

TEST_CASE("lookup: RESOLVE_CACHED walks only what the dentry cache holds")
{
    auto root = make_tree();
    auto held = at(root, "/top/root/file"); // keeps its dentry and its parents cached
    CHECK(open_path(lookup(root, "/top/root", abi::resolve_cached), "file").value() == "/top/root/file");
    CHECK(open_path(lookup(root, "/top/root", abi::resolve_cached), "sub").error() == Errno::eagain);
}

TEST_CASE("lookup: AT_EMPTY_PATH names the start, and an empty path is otherwise ENOENT")
{
    auto root = make_tree();
    CHECK(open_path(lookup(root, "/top/root/file", 0, abi::at_empty_path), "").value() == "/top/root/file");
    CHECK(open_path(lookup(root, "/top/root"), "").error() == Errno::enoent);
}
