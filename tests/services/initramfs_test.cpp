#include <doctest/doctest.h>

#include <cstdio>

#include "frame/user_io.h"
#include "services/fs/initramfs.h"
#include "services/fs/ram_fs.h"

using namespace asterix;
using namespace asterix::services;

namespace {

/// Builds a cpio newc archive the way tools/mkinitramfs and Linux's gen_init_cpio do.
struct CpioWriter {
    std::vector<u8> bytes;
    u32 next_ino {1};

    void pad() { bytes.resize((bytes.size() + 3) & ~usize {3}); }
    void entry(const std::string& name, u32 mode, const std::string& data = "", u32 nlink = 1, u32 ino = 0, u32 mtime = 1000)
    {
        char header[111];
        std::snprintf(header, sizeof header, "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
            ino ? ino : next_ino++, mode, 1000u, 1000u, nlink, mtime, data.size(), 0u, 0u, 0u, 0u, name.size() + 1, 0u);
        bytes.insert(bytes.end(), header, header + 110);
        bytes.insert(bytes.end(), name.begin(), name.end());
        bytes.push_back(0);
        pad();
        bytes.insert(bytes.end(), data.begin(), data.end());
        pad();
    }
    std::vector<u8> finish()
    {
        entry("TRAILER!!!", 0);
        return bytes;
    }
};

std::string contents(Inode& file)
{
    std::string text(4096, '\0');
    auto writer = frame::UserWriter::for_kernel(std::span<u8>(reinterpret_cast<u8*>(text.data()), text.size()));
    auto n = MUST(static_cast<RamInode&>(file).read_at(0, writer));
    text.resize(n);
    return text;
}

Result<void> unpack(Inode& root, const std::vector<u8>& archive, std::string& problem)
{
    return unpack_initramfs(root, archive, problem);
}

} // namespace

TEST_CASE("initramfs: directories, files, symlinks, FIFOs and hard links with their attributes")
{
    CpioWriter cpio;
    cpio.entry(".", 040755);
    cpio.entry("bin", 040755);
    cpio.entry("bin/busybox", 0100755, "#!binary");
    cpio.entry("bin/sh", 0120777, "busybox");
    cpio.entry("./etc", 040700);
    cpio.entry("etc/hostname", 0100644, "asterix\n", 1, 0, 1234567);
    cpio.entry("etc/fifo", 010600);
    cpio.entry("etc/a", 0100600, "", 2, 77);
    cpio.entry("etc/b", 0100600, "shared", 2, 77);
    auto root = RamFs::make_tmpfs(1 << 20);
    std::string problem;
    REQUIRE(!unpack(*root, cpio.finish(), problem).is_error());

    auto bin = MUST(root->lookup("bin"));
    auto busybox = MUST(bin->lookup("busybox"));
    auto stat = MUST(busybox->stat());
    CHECK(stat.mode == 0100755);
    CHECK(stat.uid == 1000);
    CHECK(stat.size == 8);
    CHECK(contents(*busybox) == "#!binary");
    CHECK(MUST(MUST(bin->lookup("sh"))->read_link()) == "busybox");
    auto etc = MUST(root->lookup("etc"));
    CHECK((MUST(etc->stat()).mode & 07777) == 0700);
    auto hostname = MUST(etc->lookup("hostname"));
    CHECK(contents(*hostname) == "asterix\n");
    CHECK(MUST(hostname->stat()).mtime_sec == 1234567);
    CHECK((MUST(MUST(etc->lookup("fifo"))->stat()).mode & s_ifmt) == s_ififo);
    auto a = MUST(etc->lookup("a"));
    CHECK(a.ptr() == MUST(etc->lookup("b")).ptr());
    CHECK(contents(*a) == "shared");
    CHECK(MUST(a->stat()).nlink == 2);
}

TEST_CASE("initramfs: corrupt archives get EINVAL and say what is wrong, and where")
{
    auto unpack_fresh = [](std::vector<u8> archive, std::string& problem) {
        auto root = RamFs::make_tmpfs(1 << 20);
        return unpack(*root, archive, problem);
    };
    std::string problem;

    CHECK(unpack_fresh({}, problem).error() == Errno::einval);
    CHECK(problem == "truncated header at byte 0");

    CpioWriter good;
    good.entry("file", 0100644, "data");
    auto archive = good.finish();

    auto bad_magic = archive;
    bad_magic[5] = '7';
    CHECK(unpack_fresh(bad_magic, problem).error() == Errno::einval);
    CHECK(problem == "not a cpio newc header (bad magic) at byte 0");

    auto not_hex = archive;
    not_hex[6] = 'z';
    CHECK(unpack_fresh(not_hex, problem).error() == Errno::einval);
    CHECK(problem == "a header field is not hexadecimal at byte 0");

    auto no_trailer = archive;
    no_trailer.resize(archive.size() - 120);
    CHECK(unpack_fresh(no_trailer, problem).error() == Errno::einval);
    CHECK(problem.starts_with("truncated header at byte"));

    auto cut_data = archive;
    cut_data.resize(110 + 8); // the header, the padded name "file", half the data
    CHECK(unpack_fresh(cut_data, problem).error() == Errno::einval);
    CHECK(problem == "file data runs past the end of the archive at byte 0");

    CpioWriter orphan;
    orphan.entry("missing/file", 0100644, "x");
    CHECK(unpack_fresh(orphan.finish(), problem).error() == Errno::enoent);
    CHECK(problem == "an entry's directory is missing at byte 0");

    CpioWriter device;
    device.entry("console", 020600);
    CHECK(unpack_fresh(device.finish(), problem).error() == Errno::einval);
}

TEST_CASE("initramfs: a full tmpfs gets ENOSPC")
{
    CpioWriter big;
    big.entry("big", 0100644, std::string(64 * 1024, 'x'));
    auto root = RamFs::make_tmpfs(16 * 1024);
    std::string problem;
    CHECK(unpack(*root, big.finish(), problem).error() == Errno::enospc);
}
