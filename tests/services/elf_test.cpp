#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <variant>
#include <vector>

#include "frame/bytes.h"
#include "services/exec/elf.h"

using namespace asterix;
using namespace asterix::services;

namespace {

std::vector<u8> read_file(const char* path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A minimal valid static executable image: header, one PT_LOAD covering the file.
std::vector<u8> minimal_elf()
{
    elf::Header header {};
    header.ident = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    header.type = elf::et_exec;
    header.machine = elf::em_x86_64;
    header.version = 1;
    header.entry = 0x401000;
    header.phoff = sizeof(elf::Header);
    header.ehsize = sizeof(elf::Header);
    header.phentsize = sizeof(elf::ProgramHeader);
    header.phnum = 1;
    elf::ProgramHeader load {elf::pt_load, elf::pf_r | elf::pf_x, 0, 0x400000, 0x400000, 0x2000, 0x3000, 0x1000};
    std::vector<u8> file(0x2000, 0);
    auto h = object_bytes(header);
    std::copy(h.begin(), h.end(), file.begin());
    auto p = object_bytes(load);
    std::copy(p.begin(), p.end(), file.begin() + sizeof(elf::Header));
    return file;
}

template<typename T>
T* as(auto& variant)
{
    return std::get_if<T>(&variant);
}

std::string parse_error(const std::vector<u8>& file)
{
    auto header = elf::parse_header(file, file.size());
    if (auto* error = as<elf::ParseError>(header))
        return error->reason;
    auto& h = std::get<elf::Header>(header);
    auto image = elf::parse_program_headers(h, std::span(file).subspan(h.phoff), file.size());
    if (auto* error = as<elf::ParseError>(image))
        return error->reason;
    return "";
}

} // namespace

TEST_CASE("a minimal static executable parses")
{
    auto file = minimal_elf();
    CHECK(parse_error(file) == "");
    auto header = std::get<elf::Header>(elf::parse_header(file, file.size()));
    auto image = std::get<elf::Image>(elf::parse_program_headers(header, std::span(file).subspan(64), file.size()));
    CHECK(image.min_vaddr == 0x400000);
    CHECK(image.max_vaddr == 0x403000);
    CHECK(!image.has_interp());
}

TEST_CASE("the host's busybox (static) and ls (dynamic) parse")
{
    for (const char* path : {"/bin/busybox", "/bin/ls"}) {
        auto file = read_file(path);
        REQUIRE(file.size() > 64);
        CHECK_MESSAGE(parse_error(file) == "", path);
    }
}

TEST_CASE("corrupt ELF files are refused with a reason")
{
    auto file = minimal_elf();

    CHECK(parse_error({'h', 'e', 'l', 'l', 'o'}) == "not an ELF file");
    CHECK(parse_error(std::vector<u8>(file.begin(), file.begin() + 20)) == "truncated ELF header");

    auto bad = file;
    bad[18] = 0x28; // EM_ARM
    CHECK(parse_error(bad).starts_with("not an x86-64"));

    bad = file;
    bad[4] = 1; // ELFCLASS32
    CHECK(parse_error(bad).starts_with("not an x86-64"));

    bad = file;
    bad[16] = 1; // ET_REL
    CHECK(parse_error(bad).starts_with("not an executable"));

    bad = file;
    bad[54] = 55; // e_phentsize
    CHECK(parse_error(bad) == "corrupt ELF header (program header size)");

    bad = file;
    bad[56] = 0xff; // e_phnum = 0xffff entries of 56 bytes: over 64 KiB
    bad[57] = 0xff;
    CHECK(parse_error(bad) == "corrupt ELF header (program header count)");

    bad = file;
    bad[32] = 0xf0; // e_phoff far past the end
    bad[33] = 0xff;
    CHECK(parse_error(bad) == "corrupt ELF header (program headers past the end of the file)");

    bad = file;
    bad[64 + 32 + 1] = 0x30; // p_filesz = 0x3000 > file size 0x2000
    CHECK(parse_error(bad) == "corrupt PT_LOAD (past the end of the file)");

    bad = file;
    bad[64 + 16] = 0x10; // p_vaddr not congruent with p_offset
    CHECK(parse_error(bad) == "corrupt PT_LOAD (address and offset not congruent)");

    bad = file;
    bad[64 + 40 + 5] = 0x90; // p_memsz huge, past user space
    bad[64 + 40 + 6] = 0xff;
    CHECK(parse_error(bad) == "corrupt PT_LOAD (outside user space)");

    bad = file;
    bad[64] = 4; // PT_NOTE: no loadable segment left
    CHECK(parse_error(bad) == "no loadable segment");
}
