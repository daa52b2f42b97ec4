#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "services/fs/inode_file.h"
#include "services/fs/ram_fs.h"

using namespace asterix;
using namespace asterix::services;

namespace {

constexpr u32 rename_noreplace = 1;
constexpr u32 rename_exchange = 2;

Result<usize> write_file(Inode& inode, u64 offset, std::span<const u8> data)
{
    auto reader = frame::UserReader::for_kernel(data);
    return inode.file_data()->write_at(offset, reader);
}

std::vector<u8> read_file(Inode& inode, u64 offset, usize len)
{
    std::vector<u8> buffer(len);
    auto writer = frame::UserWriter::for_kernel(buffer);
    buffer.resize(MUST(inode.file_data()->read_at(offset, writer)));
    return buffer;
}

u32 nlink(Inode& inode) { return MUST(inode.stat()).nlink; }
i64 size_of(Inode& inode) { return MUST(inode.stat()).size; }
u64 free_blocks(Inode& inode) { return MUST(inode.statfs()).blocks_free; }

} // namespace

TEST_CASE("ramfs: create, lookup and the errors of a name")
{
    auto root = RamFs::make_tmpfs(1 << 20);
    auto file = MUST(root->create("f", 0644, {}));
    CHECK(file->is_regular());
    CHECK((MUST(file->stat()).mode & 07777) == 0644);
    CHECK(MUST(root->lookup("f")).ptr() == file.ptr());
    CHECK(root->create("f", 0644, {}).error() == Errno::eexist);
    CHECK(root->mkdir("f", 0755, {}).error() == Errno::eexist);
    CHECK(root->lookup("nope").error() == Errno::enoent);
    CHECK(file->create("x", 0644, {}).error() == Errno::enotdir);
    CHECK(file->lookup("x").error() == Errno::enotdir);
    std::string long_name(name_max + 1, 'n');
    CHECK(root->create(long_name, 0644, {}).error() == Errno::enametoolong);
    CHECK(!root->create(std::string(name_max, 'n'), 0644, {}).is_error());
    // A new file and the directory it went into both count as modified.
    CHECK(size_of(*file) == 0);
    CHECK(nlink(*file) == 1);
}

TEST_CASE("ramfs: hard links count, and unlink/rmdir follow unlink(2) and rmdir(2)")
{
    auto root = RamFs::make_tmpfs(1 << 20);
    CHECK(nlink(*root) == 2);
    auto file = MUST(root->create("f", 0644, {}));
    MUST(root->link("g", *file));
    CHECK(nlink(*file) == 2);
    CHECK(MUST(root->lookup("g")).ptr() == file.ptr());
    CHECK(root->link("g", *file).error() == Errno::eexist);
    MUST(root->mkdir("d", 0755, {}));
    auto dir = MUST(root->lookup("d"));
    CHECK(nlink(*root) == 3); // "d/.." points at the root
    CHECK(nlink(*dir) == 2);
    CHECK(root->link("d2", *dir).error() == Errno::eperm); // no hard links to directories
    auto other = RamFs::make_tmpfs(1 << 20);
    CHECK(other->link("f", *file).error() == Errno::exdev);

    CHECK(root->unlink("d", false).error() == Errno::eisdir); // unlink() on a directory
    CHECK(root->unlink("f", true).error() == Errno::enotdir); // rmdir() on a file
    CHECK(root->unlink("missing", false).error() == Errno::enoent);
    MUST(dir->create("inside", 0644, {}));
    CHECK(root->unlink("d", true).error() == Errno::enotempty);
    MUST(dir->unlink("inside", false));
    MUST(root->unlink("d", true));
    CHECK(nlink(*root) == 2);
    CHECK(nlink(*dir) == 0); // a removed directory, still referenced, shows 0 links as on Linux
    MUST(root->unlink("f", false));
    CHECK(nlink(*file) == 1);
    CHECK(MUST(root->lookup("g")).ptr() == file.ptr());
}

TEST_CASE("ramfs: rename replaces, refuses mismatched kinds, and moves directory link counts")
{
    auto root = RamFs::make_tmpfs(1 << 20);
    auto a = MUST(root->create("a", 0644, {}));
    auto b = MUST(root->create("b", 0644, {}));
    MUST(root->mkdir("d", 0755, {}));
    MUST(root->mkdir("e", 0755, {}));
    auto d = MUST(root->lookup("d"));
    auto e = MUST(root->lookup("e"));
    MUST(e->create("full", 0644, {}));

    CHECK(root->rename("a", *root, "d", 0).error() == Errno::eisdir);   // file over directory
    CHECK(root->rename("d", *root, "a", 0).error() == Errno::enotdir);  // directory over file
    CHECK(root->rename("d", *root, "e", 0).error() == Errno::enotempty); // over a full directory
    CHECK(root->rename("a", *root, "b", rename_noreplace).error() == Errno::eexist);
    CHECK(root->rename("a", *root, "new", 8).error() == Errno::einval);  // unknown flag
    CHECK(root->rename("missing", *root, "x", 0).error() == Errno::enoent);
    auto other = RamFs::make_tmpfs(1 << 20);
    CHECK(root->rename("a", *other, "a", 0).error() == Errno::exdev);

    // Over an existing file: the name now means `a`, and `b` lost its last link.
    MUST(root->rename("a", *root, "b", 0));
    CHECK(root->lookup("a").error() == Errno::enoent);
    CHECK(MUST(root->lookup("b")).ptr() == a.ptr());
    CHECK(nlink(*b) == 0);

    // A directory moved into another: the old parent loses a link, the new one gains it.
    CHECK(nlink(*root) == 4);
    MUST(root->rename("d", *e, "d", 0));
    CHECK(nlink(*root) == 3);
    CHECK(nlink(*e) == 3);
    CHECK(MUST(e->lookup("d")).ptr() == d.ptr());

    // Two names of one file: rename(2) does nothing and both stay.
    MUST(root->link("b2", *a));
    MUST(root->rename("b", *root, "b2", 0));
    CHECK(MUST(root->lookup("b")).ptr() == a.ptr());
    CHECK(MUST(root->lookup("b2")).ptr() == a.ptr());
    CHECK(nlink(*a) == 2);
}

TEST_CASE("ramfs: RENAME_EXCHANGE swaps two names, also a file and a directory")
{
    auto root = RamFs::make_tmpfs(1 << 20);
    auto f = MUST(root->create("f", 0644, {}));
    MUST(root->mkdir("sub", 0755, {}));
    auto sub = MUST(root->lookup("sub"));
    MUST(sub->mkdir("d", 0755, {}));
    auto d = MUST(sub->lookup("d"));
    CHECK(root->rename("f", *sub, "missing", rename_exchange).error() == Errno::enoent);
    MUST(root->rename("f", *sub, "d", rename_exchange));
    CHECK(MUST(root->lookup("f")).ptr() == d.ptr());
    CHECK(MUST(sub->lookup("d")).ptr() == f.ptr());
    // The directory moved up: its "..", and so the link, moved from sub to the root.
    CHECK(nlink(*sub) == 2);
    CHECK(nlink(*root) == 4); // ".", "..", sub's "..", f's ".." (f is the directory now)
}

TEST_CASE("ramfs: sizes, holes read as zero, and truncate zeroes what it cuts")
{
    auto root = RamFs::make_tmpfs(1 << 20);
    auto file = MUST(root->create("f", 0644, {}));
    std::string text = "hello world";
    std::vector<u8> bytes(text.begin(), text.end());
    CHECK(MUST(write_file(*file, 0, bytes)) == bytes.size());
    CHECK(size_of(*file) == 11);
    CHECK(read_file(*file, 6, 100) == std::vector<u8>(bytes.begin() + 6, bytes.end()));
    CHECK(read_file(*file, 11, 10).empty()); // at the end: 0 bytes
    CHECK(read_file(*file, 1000, 10).empty());

    // A write past the end leaves a hole that reads as zeros and takes no page.
    CHECK(MUST(write_file(*file, 3 * page_size + 1, std::span(bytes).first(1))) == 1);
    CHECK(size_of(*file) == i64(3 * page_size + 2));
    CHECK(MUST(file->stat()).blocks == i64(2 * page_size / 512)); // pages 0 and 3
    auto hole = read_file(*file, page_size - 2, 4);
    CHECK(hole == std::vector<u8> {0, 0, 0, 0});
    CHECK(read_file(*file, 3 * page_size, 2) == std::vector<u8> {0, 'h'});

    // Shrink then grow: the bytes that were cut come back as zeros, not as the old data.
    MUST(file->file_data()->truncate(5));
    CHECK(size_of(*file) == 5);
    MUST(file->file_data()->truncate(11));
    CHECK(read_file(*file, 0, 11) == std::vector<u8> {'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0, 0, 0});
    CHECK(MUST(file->file_data()->size()) == 11);
    MUST(root->mkdir("dir", 0755, {}));
    CHECK(MUST(root->lookup("dir"))->file_data() == nullptr); // a directory has no data
}

TEST_CASE("ramfs: a full tmpfs is ENOSPC, a short write first; freed space is usable again")
{
    auto root = RamFs::make_tmpfs(4 * page_size);
    CHECK(free_blocks(*root) == 4);
    auto file = MUST(root->create("f", 0644, {}));
    std::vector<u8> data(5 * page_size, 'x');
    CHECK(MUST(write_file(*file, 0, data)) == 4 * page_size); // what fits
    CHECK(free_blocks(*root) == 0);
    CHECK(write_file(*file, 4 * page_size, data).error() == Errno::enospc);
    CHECK(size_of(*file) == i64(4 * page_size));
    // Rewriting pages the file has needs no room.
    CHECK(MUST(write_file(*file, 0, std::span(data).first(page_size))) == page_size);

    MUST(file->file_data()->truncate(page_size));
    CHECK(free_blocks(*root) == 3);
    auto second = MUST(root->create("g", 0644, {}));
    CHECK(MUST(write_file(*second, 0, std::span(data).first(3 * page_size))) == 3 * page_size);
    CHECK(free_blocks(*root) == 0);
}

TEST_CASE("ramfs: an unlinked file's pages come back to the tmpfs when its last reference goes")
{
    auto root = RamFs::make_tmpfs(4 * page_size);
    std::vector<u8> data(4 * page_size, 'y');
    {
        auto file = MUST(root->create("f", 0644, {}));
        CHECK(MUST(write_file(*file, 0, data)) == data.size());
        MUST(root->unlink("f", false));
        CHECK(free_blocks(*root) == 0); // still open: its data is still there
        CHECK(read_file(*file, 0, 1) == std::vector<u8> {'y'});
    }
    CHECK(free_blocks(*root) == 4);
    auto again = MUST(root->create("g", 0644, {}));
    auto wrote = write_file(*again, 0, data);
    REQUIRE(!wrote.is_error());
    CHECK(wrote.value() == data.size());
}

TEST_CASE("ramfs: a tmpfs has one inode per page of its size; ENOSPC past it")
{
    auto root = RamFs::make_tmpfs(3 * page_size); // the root and two more
    MUST(root->create("a", 0644, {}));
    MUST(root->mkdir("b", 0755, {}));
    CHECK(root->create("c", 0644, {}).error() == Errno::enospc);
    CHECK(root->mkdir("c", 0755, {}).error() == Errno::enospc);
    CHECK(root->symlink("c", "a", {}).error() == Errno::enospc);
    MUST(root->unlink("a", false));
    MUST(root->create("c", 0644, {}));
    auto stats = MUST(root->statfs());
    CHECK(stats.files == 3);
    CHECK(stats.files_free == 0);
}
