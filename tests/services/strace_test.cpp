#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>

#include "frame/bytes.h"
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
