#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "frame/result.h"

namespace asterix::services::elf {

struct Header {
    std::array<u8, 16> ident;
    u16 type;
    u16 machine;
    u32 version;
    u64 entry;
    u64 phoff;
    u64 shoff;
    u32 flags;
    u16 ehsize;
    u16 phentsize;
    u16 phnum;
    u16 shentsize;
    u16 shnum;
    u16 shstrndx;
};
static_assert(sizeof(Header) == 64);

struct ProgramHeader {
    u32 type;
    u32 flags;
    u64 offset;
    u64 vaddr;
    u64 paddr;
    u64 filesz;
    u64 memsz;
    u64 align;
};
static_assert(sizeof(ProgramHeader) == 56);

// e_ident bytes.
inline constexpr u8 elfclass64 = 2;
inline constexpr u8 elfdata2lsb = 1;
inline constexpr u8 ev_current = 1;

inline constexpr u16 et_exec = 2;
inline constexpr u16 et_dyn = 3;
inline constexpr u16 em_x86_64 = 62;
inline constexpr u32 pt_load = 1;
inline constexpr u32 pt_interp = 3;
inline constexpr u32 pt_phdr = 6;
inline constexpr u32 pf_x = 1;
inline constexpr u32 pf_w = 2;
inline constexpr u32 pf_r = 4;

/// A validated executable: every PT_LOAD lies inside the file and user space.
struct Image {
    Header header;
    std::vector<ProgramHeader> program_headers;
    u64 interp_offset {0}; ///< PT_INTERP, if any (the path is read by the loader)
    u64 interp_size {0};
    bool has_interp() const { return interp_size != 0; }
    /// Lowest and highest (exclusive) virtual address the PT_LOADs cover.
    u64 min_vaddr {0};
    u64 max_vaddr {0};
};

/// Why a file is not an executable Asterix can load.
struct ParseError {
    Errno error;
    const char* reason; ///< "not an ELF file", "not x86-64", "corrupt program headers"...
};

/// Checks the ELF header in `head` (the file's first bytes) and the program headers in
/// `phdrs` (the bytes at header.phoff); `file_size` bounds every offset.
std::variant<Header, ParseError> parse_header(std::span<const u8> head, u64 file_size);
std::variant<Image, ParseError> parse_program_headers(const Header& header, std::span<const u8> phdr_bytes, u64 file_size);

} // namespace asterix::services::elf
