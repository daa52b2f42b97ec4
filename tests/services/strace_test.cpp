#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>

#include "frame/bytes.h"
#include "services/syscalls/strace_calls.h"
#include "services/syscalls/strace_flags.h"
#include "services/syscalls/strace_format.h"
#include "services/syscalls/syscall_names.h"
#include "services/syscalls/syscall_table.h"

using namespace asterix;
using namespace asterix::services;
using namespace asterix::services::strace;

namespace {

constexpr u64 highest_number = 1024;

long error_result(Errno error) { return -static_cast<long>(error); }

} // namespace

TEST_CASE("every implemented syscall has its Linux name and a --strace description, and nothing else has one")
{
    usize implemented = 0;
    for (u64 number = 0; number < highest_number; ++number) {
        const SyscallEntry* entry = find_syscall(number);
        const SyscallDescription* description = describe_syscall(number);
        if (!entry) {
            CHECK_MESSAGE(description == nullptr, "syscall ", number, " is described but not implemented");
            continue;
        }
        ++implemented;
        const char* name = syscall_name(number);
        REQUIRE_MESSAGE(name != nullptr, "syscall ", number, " (", entry->name, ") has no Linux name");
        CHECK(std::string_view(name) == entry->name);
        REQUIRE_MESSAGE(description != nullptr, "syscall ", number, " has no --strace description");
        CHECK(description->name == entry->name);
    }
    CHECK(implemented > 150);
}

TEST_CASE("the syscall name table names each syscall once")
{
    std::set<std::string_view> seen;
    for (u64 number = 0; number < highest_number; ++number) {
        const char* name = syscall_name(number);
        if (name)
            CHECK_MESSAGE(seen.insert(name).second, name, " names two syscall numbers");
    }
    CHECK(seen.count("openat") == 1);
}

TEST_CASE("flag sets print their names joined with |, leftover bits in hex, and a name for none")
{
    CHECK(flags_text(3, prot_flag_set) == "PROT_READ|PROT_WRITE");
    CHECK(flags_text(0, prot_flag_set) == "PROT_NONE");
    CHECK(flags_text(0x22, map_flag_set) == "MAP_PRIVATE|MAP_ANONYMOUS");
    CHECK(flags_text(0x80000002, map_flag_set) == "MAP_PRIVATE|0x80000000");
    CHECK(flags_text(0, map_flag_set) == "0");
    CHECK(open_flags_text(02000000) == "O_RDONLY|O_CLOEXEC");
    CHECK(open_flags_text(01101) == "O_WRONLY|O_CREAT|O_TRUNC");
    CHECK(open_flags_text(3) == "0x3");
    CHECK(clone_flags_text(0x1200011) == "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
    CHECK(clone_flags_text(0) == "0");
}

TEST_CASE("scalar arguments: descriptors, modes, addresses, clocks and signals")
{
    CHECK(scalar_text(ArgKind::dirfd, static_cast<u64>(-100)) == "AT_FDCWD");
    CHECK(scalar_text(ArgKind::fd, static_cast<u64>(-1)) == "-1");
    CHECK(scalar_text(ArgKind::octal, 0644) == "0644");
    CHECK(scalar_text(ArgKind::pointer, 0) == "NULL");
    CHECK(scalar_text(ArgKind::pointer, 0x7fff1000) == "0x7fff1000");
    CHECK(scalar_text(ArgKind::hex, 0) == "0");
    CHECK(scalar_text(ArgKind::long_integer, static_cast<u64>(-5)) == "-5");
    CHECK(scalar_text(ArgKind::signal, 9) == "SIGKILL");
    CHECK(scalar_text(ArgKind::signal, 200) == "200");
    CHECK(scalar_text(describe_syscall(228)->args[0], 1) == "CLOCK_MONOTONIC"); // clock_gettime
    CHECK(scalar_text(describe_syscall(228)->args[0], 99) == "99");
}

TEST_CASE("statx: the sync type first, a mask's groups by name, the struct abbreviated as strace does")
{
    CHECK(statx_flags_text(0) == "AT_STATX_SYNC_AS_STAT");
    CHECK(statx_flags_text(0x1100) == "AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
    CHECK(statx_flags_text(0x4000) == "AT_STATX_DONT_SYNC");
    CHECK(flags_text(0x7ff, statx_mask_set) == "STATX_BASIC_STATS");
    CHECK(flags_text(0x1fff, statx_mask_set) == "STATX_ALL|STATX_MNT_ID");
    CHECK(flags_text(0x240, statx_mask_set) == "STATX_MTIME|STATX_SIZE");
    abi::Statx statx {};
    statx.mask = 0x7ff;
    statx.mode = 0100644;
    statx.size = 3;
    CHECK(statx_text(statx) == "{stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=3, ...}");
}

TEST_CASE("uname shows two names then ...; sysinfo every field; real-time signals by their distance from SIGRTMIN")
{
    abi::Utsname names {};
    std::string_view linux_name = "Linux";
    std::string_view host = "box";
    std::copy(linux_name.begin(), linux_name.end(), names.sysname.begin());
    std::copy(host.begin(), host.end(), names.nodename.begin());
    CHECK(utsname_text(names) == "{sysname=\"Linux\", nodename=\"box\", ...}");
    abi::SysInfo info {};
    info.uptime = 5;
    info.totalram = 1024;
    info.procs = 2;
    info.mem_unit = 1;
    CHECK(sysinfo_text(info) == "{uptime=5, loads=[0, 0, 0], totalram=1024, freeram=0, sharedram=0, bufferram=0, totalswap=0, "
                                "freeswap=0, procs=2, totalhigh=0, freehigh=0, mem_unit=1}");
    CHECK(signal_text(32) == "SIGRTMIN");
    CHECK(signal_text(33) == "SIGRT_1");
    CHECK(signal_text(64) == "SIGRT_32");
}

TEST_CASE("fcntl's commands by name, F_GETFL's result in hex with its flags")
{
    const SyscallDescription* fcntl = describe_syscall(72);
    REQUIRE(fcntl);
    CHECK(fcntl->layout == CallLayout::fcntl);
    CHECK(value_text(1030, fcntl_command_set) == "F_DUPFD_CLOEXEC");
    CHECK(flags_text(1, fd_flag_set) == "FD_CLOEXEC");
    CHECK(flags_text(0x9, seal_set) == "F_SEAL_SEAL|F_SEAL_WRITE");
}

TEST_CASE("strings are quoted with C escapes and cut after 32 bytes with ...")
{
    CHECK(quoted(text_bytes("hi\n\t\"\\\x01\x7f"), false) == "\"hi\\n\\t\\\"\\\\\\1\\177\"");
    CHECK(quoted(text_bytes("abc"), true) == "\"abc\"...");
    CHECK(quoted({}, false) == "\"\"");
}

TEST_CASE("results: an errno with its name and message, an address in hex, others in decimal")
{
    const SyscallDescription* openat = describe_syscall(257);
    const SyscallDescription* mmap = describe_syscall(9);
    REQUIRE(openat);
    REQUIRE(mmap);
    CHECK(result_text(openat, error_result(Errno::enoent)) == "-1 ENOENT (No such file or directory)");
    CHECK(result_text(openat, 3) == "3");
    CHECK(result_text(mmap, 0x7fffef67d000) == "0x7fffef67d000");
    CHECK(result_text(mmap, error_result(Errno::enomem)) == "-1 ENOMEM (Cannot allocate memory)");
    CHECK(result_text(nullptr, -4096) == "-4096"); // beyond the errno range: a plain number
}
