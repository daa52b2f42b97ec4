#include "services/exec/elf.h"

#include "frame/bytes.h"
#include "frame/vm_space.h"

namespace asterix::services::elf {

namespace {
/// Linux refuses program header tables over 64 KiB (ELF_MIN_ALIGN sized buffer in binfmt_elf).
constexpr u64 max_phdr_bytes = 65536;

ParseError corrupt(const char* reason) { return {Errno::enoexec, reason}; }
} // namespace

std::variant<Header, ParseError> parse_header(std::span<const u8> head, u64 file_size)
{
    auto loaded = load_from_bytes<Header>(head, 0);
    if (loaded.is_error()) {
        if (head.size() >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F')
            return corrupt("truncated ELF header");
        return corrupt("not an ELF file");
    }
    Header header = loaded.value();
    const auto& id = header.ident;
    if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
        return corrupt("not an ELF file");
    if (id[4] != elfclass64 || header.machine != em_x86_64)
        return corrupt("not an x86-64 executable (wrong ELF class or machine)");
    if (id[5] != elfdata2lsb || id[6] != ev_current || header.version != ev_current)
        return corrupt("corrupt ELF header (encoding or version)");
    if (header.type != et_exec && header.type != et_dyn)
        return corrupt("not an executable (ELF type is neither EXEC nor DYN)");
    if (header.phentsize != sizeof(ProgramHeader))
        return corrupt("corrupt ELF header (program header size)");
    u64 table_bytes = u64 {header.phnum} * sizeof(ProgramHeader);
    if (header.phnum == 0 || table_bytes > max_phdr_bytes)
        return corrupt("corrupt ELF header (program header count)");
    if (header.phoff > file_size || table_bytes > file_size - header.phoff)
        return corrupt("corrupt ELF header (program headers past the end of the file)");
    return header;
}

std::variant<Image, ParseError> parse_program_headers(const Header& header, std::span<const u8> phdr_bytes, u64 file_size)
{
    Image image;
    image.header = header;
    image.min_vaddr = ~0ull;
    for (u16 i = 0; i < header.phnum; ++i) {
        auto loaded = load_from_bytes<ProgramHeader>(phdr_bytes, u64 {i} * sizeof(ProgramHeader));
        if (loaded.is_error())
            return corrupt("truncated program headers");
        const ProgramHeader& ph = loaded.value();
        if (ph.type == pt_interp) {
            if (image.has_interp())
                return corrupt("more than one PT_INTERP");
            if (ph.filesz < 2 || ph.filesz > 4096 || ph.offset > file_size || ph.filesz > file_size - ph.offset)
                return corrupt("corrupt PT_INTERP");
            image.interp_offset = ph.offset;
            image.interp_size = ph.filesz;
        }
        if (ph.type == pt_load) {
            if (ph.filesz > ph.memsz)
                return corrupt("corrupt PT_LOAD (file size above memory size)");
            if (ph.offset > file_size || ph.filesz > file_size - ph.offset)
                return corrupt("corrupt PT_LOAD (past the end of the file)");
            if ((ph.vaddr & (page_size - 1)) != (ph.offset & (page_size - 1)))
                return corrupt("corrupt PT_LOAD (address and offset not congruent)");
            if (ph.vaddr >= frame::user_space_end || ph.memsz > frame::user_space_end - ph.vaddr)
                return corrupt("corrupt PT_LOAD (outside user space)");
            if (ph.memsz == 0)
                continue;
            image.min_vaddr = std::min(image.min_vaddr, page_round_down(ph.vaddr));
            image.max_vaddr = std::max(image.max_vaddr, page_round_up(ph.vaddr + ph.memsz));
        }
        image.program_headers.push_back(ph);
    }
    if (image.min_vaddr == ~0ull)
        return corrupt("no loadable segment");
    if (image.max_vaddr - image.min_vaddr > frame::user_space_end / 2)
        return corrupt("corrupt PT_LOAD (segments span too much)");
    return image;
}

} // namespace asterix::services::elf
