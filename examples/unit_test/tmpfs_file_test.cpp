// A unit test of a service, written the way new ones should be: it drives the service's own
// objects (here a tmpfs inode) through their C++ interface, with no guest and no host, and
// checks results and Linux errno values. Guest memory is stood in for by kernel buffers
// (UserReader/UserWriter::for_kernel), so the code under test is exactly what a syscall runs.
//
// Build and run it alone:  cmake --build build --target example_unit_test && build/examples/example_unit_test
// New unit tests go to tests/services/NAME_test.cpp (picked up by CMake) and run in `unit`.

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "services/fs/ram_fs.h"

using namespace asterix;
using namespace asterix::services;

namespace {

/// write(2) at an offset, from a kernel buffer standing in for guest memory.
Result<usize> write_at(Inode& inode, u64 offset, std::string_view text)
{
    std::vector<u8> bytes(text.begin(), text.end());
    auto reader = frame::UserReader::for_kernel(bytes);
    return inode.file_data()->write_at(offset, reader);
}

/// read(2) at an offset into a kernel buffer.
std::string read_at(Inode& inode, u64 offset, usize len)
{
    std::vector<u8> buffer(len);
    auto writer = frame::UserWriter::for_kernel(buffer);
    buffer.resize(MUST(inode.file_data()->read_at(offset, writer)));
    return std::string(buffer.begin(), buffer.end());
}

} // namespace

// One behaviour per test case, named after it.
TEST_CASE("example: a tmpfs file reads back what was written, with a hole read as zeros")
{
    auto root = RamFs::make_tmpfs(1 << 20);
    auto file = MUST(root->create("notes", 0644, {}));

    CHECK(MUST(write_at(*file, 0, "hello")) == 5);
    CHECK(MUST(write_at(*file, 8, "world")) == 5);
    CHECK(MUST(file->stat()).size == 13);
    CHECK(read_at(*file, 0, 64) == std::string("hello\0\0\0world", 13));
    CHECK(read_at(*file, 13, 64).empty()); // at the end: 0 bytes, not an error
}

TEST_CASE("example: the errors of a name are Linux's errno values")
{
    auto root = RamFs::make_tmpfs(1 << 20);
    auto file = MUST(root->create("notes", 0644, {}));
    CHECK(root->create("notes", 0644, {}).error() == Errno::eexist);
    CHECK(root->lookup("missing").error() == Errno::enoent);
    CHECK(file->lookup("child").error() == Errno::enotdir);
}

TEST_CASE("example: a full tmpfs refuses writes with ENOSPC and keeps what it had")
{
    auto root = RamFs::make_tmpfs(4 * page_size); // a few pages, some of them for the inodes
    auto file = MUST(root->create("big", 0644, {}));
    std::string page(page_size, 'x');
    u64 offset = 0;
    for (; offset < 8 * page_size; offset += page_size) {
        auto written = write_at(*file, offset, page);
        if (written.is_error()) {
            CHECK(written.error() == Errno::enospc);
            break;
        }
    }
    CHECK(offset > 0);                  // some pages fit
    CHECK(offset < 8 * page_size);      // and then the file system was full
    CHECK(MUST(file->stat()).size == static_cast<i64>(offset)); // a failed write changes nothing
}
