#include <doctest/doctest.h>

#include "services/fs/fd_table.h"

using namespace asterix;
using namespace asterix::services;

namespace {

/// An open file description that counts how many of its kind have been destroyed (closed for
/// good, once no descriptor refers to it any more).
class CountedFile final : public File {
public:
    explicit CountedFile(int& destroyed) : File(o_rdwr), m_destroyed(destroyed) {}
    ~CountedFile() override { ++m_destroyed; }
    Result<usize> read(frame::UserWriter&) override { return usize {0}; }
    Result<usize> write(frame::UserReader&) override { return usize {0}; }
    Result<frame::FileStat> stat() override { return frame::FileStat {}; }
    std::string description() override { return "counted"; }

private:
    int& m_destroyed;
};

Ref<File> make_file(int& destroyed) { return Ref<File>(make_ref<CountedFile>(destroyed)); }

constexpr u64 no_limit = 1024;

} // namespace

TEST_CASE("fd table: a new descriptor takes the lowest free number, also a hole left by close")
{
    int destroyed = 0;
    FdTable table;
    CHECK(MUST(table.install(make_file(destroyed), false, 0, no_limit)) == 0);
    CHECK(MUST(table.install(make_file(destroyed), false, 0, no_limit)) == 1);
    CHECK(MUST(table.install(make_file(destroyed), false, 0, no_limit)) == 2);
    MUST(table.close(1));
    CHECK(destroyed == 1);
    CHECK(table.get(1).error() == Errno::ebadf);
    CHECK(MUST(table.install(make_file(destroyed), false, 0, no_limit)) == 1);
    CHECK(MUST(table.install(make_file(destroyed), false, 0, no_limit)) == 3);
    // F_DUPFD: the lowest free number at or above the argument.
    CHECK(MUST(table.install(make_file(destroyed), false, 10, no_limit)) == 10);
    CHECK(MUST(table.install(make_file(destroyed), false, 2, no_limit)) == 4);
    CHECK(table.install(make_file(destroyed), false, -1, no_limit).error() == Errno::einval);
}

TEST_CASE("fd table: closing a bad or closed descriptor is EBADF")
{
    int destroyed = 0;
    FdTable table;
    CHECK(table.close(0).error() == Errno::ebadf);
    CHECK(table.close(-1).error() == Errno::ebadf);
    CHECK(table.get(-5).error() == Errno::ebadf);
    int fd = MUST(table.install(make_file(destroyed), false, 0, no_limit));
    MUST(table.close(fd));
    CHECK(table.close(fd).error() == Errno::ebadf);
    CHECK(table.set_cloexec(fd, true).error() == Errno::ebadf);
}

TEST_CASE("fd table: RLIMIT_NOFILE caps the numbers: EMFILE for a new one, EBADF for dup2 past it")
{
    int destroyed = 0;
    FdTable table;
    for (int i = 0; i < 3; ++i)
        CHECK(MUST(table.install(make_file(destroyed), false, 0, 3)) == i);
    CHECK(table.install(make_file(destroyed), false, 0, 3).error() == Errno::emfile);
    // A lowered limit still lets a free number below it be used.
    MUST(table.close(1));
    CHECK(MUST(table.install(make_file(destroyed), false, 0, 3)) == 1);
    // dup2(fd, newfd) with newfd >= RLIMIT_NOFILE is EBADF (dup(2)).
    auto file = MUST(table.get(0));
    CHECK(table.install_at(3, file, false, 3).error() == Errno::ebadf);
    CHECK(table.install_at(-1, file, false, 3).error() == Errno::ebadf);
    // Nothing leaked: only the files that were refused are gone.
    CHECK(destroyed == 2);
}

TEST_CASE("fd table: dup shares the open file description but not the close-on-exec flag")
{
    int destroyed = 0;
    FdTable table;
    int fd = MUST(table.install(make_file(destroyed), true, 0, no_limit));
    auto file = MUST(table.get(fd));
    int copy = MUST(table.install(file, false, 0, no_limit)); // dup()
    CHECK(copy == 1);
    CHECK(MUST(table.get(copy)) == file);
    CHECK(table.is_cloexec(fd));
    CHECK(!table.is_cloexec(copy));
    // Status flags live in the description: a change through one descriptor shows in the other.
    MUST(table.get(fd))->set_status_flags(o_nonblock);
    CHECK(MUST(table.get(copy))->is_nonblocking());
    // Closing one descriptor keeps the description open for the other.
    file = {};
    MUST(table.close(fd));
    CHECK(destroyed == 0);
    MUST(table.close(copy));
    CHECK(destroyed == 1);
}

TEST_CASE("fd table: dup2 onto an open descriptor closes what was there")
{
    int destroyed = 0;
    FdTable table;
    int a = MUST(table.install(make_file(destroyed), false, 0, no_limit));
    int b = MUST(table.install(make_file(destroyed), true, 0, no_limit));
    MUST(table.install_at(b, MUST(table.get(a)), false, no_limit));
    CHECK(destroyed == 1);
    CHECK(MUST(table.get(b)) == MUST(table.get(a)));
    CHECK(!table.is_cloexec(b)); // dup2 clears FD_CLOEXEC on the new descriptor
    // dup2 to a number past the end grows the table; the numbers between stay free.
    MUST(table.install_at(7, MUST(table.get(a)), true, no_limit));
    CHECK(table.is_cloexec(7));
    CHECK(table.get(5).error() == Errno::ebadf);
    CHECK(MUST(table.install(make_file(destroyed), false, 0, no_limit)) == 2);
}

TEST_CASE("fd table: exec closes exactly the close-on-exec descriptors")
{
    int destroyed = 0;
    FdTable table;
    MUST(table.install(make_file(destroyed), false, 0, no_limit)); // 0
    MUST(table.install(make_file(destroyed), true, 0, no_limit));  // 1
    MUST(table.install(make_file(destroyed), false, 0, no_limit)); // 2
    MUST(table.install(make_file(destroyed), true, 0, no_limit));  // 3
    MUST(table.set_cloexec(2, true));
    MUST(table.set_cloexec(1, false));
    table.close_on_exec();
    CHECK(destroyed == 2);
    CHECK(!table.get(0).is_error());
    CHECK(!table.get(1).is_error());
    CHECK(table.get(2).error() == Errno::ebadf);
    CHECK(table.get(3).error() == Errno::ebadf);
    CHECK(MUST(table.install(make_file(destroyed), false, 0, no_limit)) == 2);
}

TEST_CASE("fd table: a forked copy has the same descriptions, and closing in one leaves the other")
{
    int destroyed = 0;
    auto parent = make_ref<FdTable>();
    MUST(parent->install(make_file(destroyed), true, 0, no_limit));
    MUST(parent->install(make_file(destroyed), false, 0, no_limit));
    auto child = MUST(parent->clone());
    CHECK(MUST(child->get(0)) == MUST(parent->get(0)));
    CHECK(child->is_cloexec(0)); // fork keeps FD_CLOEXEC
    MUST(child->close(0));
    CHECK(!parent->get(0).is_error());
    CHECK(destroyed == 0);
    MUST(parent->close(0));
    CHECK(destroyed == 1);
}
