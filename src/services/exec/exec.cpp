#include "services/exec/exec.h"

#include <variant>

#include "frame/clock.h"
#include "frame/cpu.h"
#include "frame/host_file.h"
#include "services/exec/elf.h"
#include "services/exec/initial_stack.h"

namespace asterix::services {

namespace {

/// Where Linux puts ET_DYN programs (ELF_ET_DYN_BASE on x86-64).
constexpr u64 dyn_load_base = 0x555555554000ull;
constexpr u32 s_ifmt = 0170000;
constexpr u32 s_ifreg = 0100000;
constexpr u32 s_ifdir = 0040000;

std::string join_path(const std::string& dir, const std::string& name)
{
    if (dir.empty() || dir.back() == '/')
        return dir + name;
    return dir + "/" + name;
}

std::string env_value(const std::vector<std::string>& envp, std::string_view key)
{
    for (const auto& entry : envp) {
        if (entry.size() > key.size() && entry.starts_with(key) && entry[key.size()] == '=')
            return entry.substr(key.size() + 1);
    }
    return {};
}

u8 prot_of(u32 flags)
{
    return ((flags & elf::pf_r) ? frame::perm_read : 0) | ((flags & elf::pf_w) ? frame::perm_write : 0)
        | ((flags & elf::pf_x) ? frame::perm_exec : 0);
}

std::string base_name(const std::string& path)
{
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

ExecError failure(Errno error, std::string reason) { return {error, std::move(reason)}; }

/// Copies one PT_LOAD into fresh frames. Each page gets the whole file page it overlaps, as
/// Linux's file mapping would, then the part past the segment's file size is zeroed (bss).
std::optional<ExecError> load_segment(MemoryMap& memory, frame::HostFile& file, const elf::ProgramHeader& ph,
    u64 bias, const std::string& name)
{
    u64 start = page_round_down(bias + ph.vaddr);
    u64 end = page_round_up(bias + ph.vaddr + ph.memsz);
    auto mapped = memory.map_anonymous(start, end - start, prot_of(ph.flags), Placement::fixed, name);
    if (mapped.is_error())
        return failure(mapped.error(), "cannot map a segment");
    u64 file_end_va = bias + ph.vaddr + ph.filesz;
    u64 file_offset_of_start = page_round_down(ph.offset);
    for (u64 va = start; va < file_end_va; va += page_size) {
        auto frame = frame::Frame::alloc_zeroed();
        if (frame.is_error())
            return failure(Errno::enomem, "out of guest memory");
        auto bytes = frame.value().bytes();
        auto read = file.read_at(file_offset_of_start + (va - start), bytes);
        if (read.is_error())
            return failure(read.error(), "cannot read the program");
        if (file_end_va - va < page_size) {
            auto tail = bytes.subspan(file_end_va - va);
            std::fill(tail.begin(), tail.end(), u8 {0});
        }
        if (memory.install_page(va, frame.release_value()).is_error())
            return failure(Errno::enomem, "cannot map a segment");
    }
    return std::nullopt;
}

} // namespace

Result<std::string> resolve_program(const std::string& program, const std::string& cwd,
    const std::vector<std::string>& envp)
{
    if (program.empty())
        return Errno::enoent;
    if (program.find('/') != std::string::npos)
        return program.front() == '/' ? program : join_path(cwd, program);
    std::string path = env_value(envp, "PATH");
    if (path.empty())
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    Errno last = Errno::enoent;
    for (usize begin = 0; begin <= path.size();) {
        usize colon = path.find(':', begin);
        if (colon == std::string::npos)
            colon = path.size();
        std::string dir = path.substr(begin, colon - begin);
        begin = colon + 1;
        std::string candidate = join_path(dir.empty() ? cwd : (dir.front() == '/' ? dir : join_path(cwd, dir)), program);
        auto st = frame::HostFile::stat_path(candidate, frame::HostFile::Follow::follow);
        if (st.is_error())
            continue;
        if ((st.value().mode & s_ifmt) == s_ifreg && (st.value().mode & 0111))
            return candidate;
        last = Errno::eacces;
    }
    return last;
}

std::optional<ExecError> exec_program(Thread& thread, const std::string& path, const std::vector<std::string>& argv,
    const std::vector<std::string>& envp)
{
    auto opened = frame::HostFile::open(path);
    if (opened.is_error())
        return failure(opened.error(), opened.error() == Errno::enoent ? "program not found" : errno_message(opened.error()));
    frame::HostFile file = opened.release_value();
    auto st = file.stat();
    if (st.is_error())
        return failure(st.error(), errno_message(st.error()));
    if ((st.value().mode & s_ifmt) == s_ifdir)
        return failure(Errno::eacces, "is a directory");
    if ((st.value().mode & s_ifmt) != s_ifreg || !(st.value().mode & 0111))
        return failure(Errno::eacces, "permission denied (not an executable file)");
    u64 file_size = static_cast<u64>(st.value().size);

    std::vector<u8> head(sizeof(elf::Header));
    auto got = file.read_at(0, head);
    if (got.is_error())
        return failure(got.error(), "cannot read the program");
    head.resize(got.value());
    auto header_or_error = elf::parse_header(head, file_size);
    if (auto* error = std::get_if<elf::ParseError>(&header_or_error))
        return failure(error->error, error->reason);
    const auto& header = std::get<elf::Header>(header_or_error);

    std::vector<u8> phdrs(u64 {header.phnum} * sizeof(elf::ProgramHeader));
    auto phdrs_read = file.read_at(header.phoff, phdrs);
    if (phdrs_read.is_error() || phdrs_read.value() != phdrs.size())
        return failure(Errno::enoexec, "truncated program headers");
    auto image_or_error = elf::parse_program_headers(header, phdrs, file_size);
    if (auto* error = std::get_if<elf::ParseError>(&image_or_error))
        return failure(error->error, error->reason);
    const auto& image = std::get<elf::Image>(image_or_error);
    if (image.has_interp())
        return failure(Errno::enoexec, "dynamically linked programs need the dynamic loader (not supported yet)");

    // Point of no return: a fresh address space replaces the old one.
    auto vm = frame::VmSpace::create();
    if (vm.is_error())
        return failure(vm.error(), "cannot create an address space");
    auto memory = std::make_unique<MemoryMap>(vm.release_value());

    u64 bias = header.type == elf::et_dyn ? dyn_load_base - image.min_vaddr : 0;
    for (const auto& ph : image.program_headers) {
        if (ph.type != elf::pt_load || ph.memsz == 0)
            continue;
        if (auto error = load_segment(*memory, file, ph, bias, path))
            return error;
    }
    memory->set_brk_start(bias + image.max_vaddr);

    u64 phdr_addr = 0;
    for (const auto& ph : image.program_headers) {
        if (ph.type == elf::pt_phdr)
            phdr_addr = bias + ph.vaddr;
    }
    for (const auto& ph : image.program_headers) {
        if (!phdr_addr && ph.type == elf::pt_load && ph.offset <= header.phoff && header.phoff - ph.offset < ph.filesz)
            phdr_addr = bias + ph.vaddr + (header.phoff - ph.offset);
    }

    Process& process = thread.process();
    auto stack = memory->map_anonymous(stack_top - stack_max_bytes, stack_max_bytes,
        frame::perm_read | frame::perm_write, Placement::fixed, "[stack]");
    if (stack.is_error())
        return failure(stack.error(), "cannot map the stack");

    std::array<u8, 16> random;
    frame::random_bytes(random);
    std::vector<AuxEntry> auxv = {
        {at_phdr, phdr_addr},
        {at_phent, sizeof(elf::ProgramHeader)},
        {at_phnum, header.phnum},
        {at_pagesz, page_size},
        {at_base, 0},
        {at_flags, 0},
        {at_entry, bias + header.entry},
        {at_uid, process.uid},
        {at_euid, process.uid},
        {at_gid, process.gid},
        {at_egid, process.gid},
        {at_hwcap, frame::cpu_hwcap()},
        {at_hwcap2, frame::cpu_hwcap2()},
        {at_clktck, 100},
        {at_secure, 0},
    };
    auto built = build_initial_stack(stack_top, argv, envp, path, random, std::move(auxv), stack_max_bytes / 4);
    if (built.is_error())
        return failure(built.error(), "argument list too long");
    const StackImage& image_on_stack = built.value();
    if (memory->vm().write_bytes(image_on_stack.sp, image_on_stack.bytes).is_error())
        return failure(Errno::enomem, "out of guest memory");

    process.memory = std::move(memory);
    process.exe_path = path;
    process.comm = base_name(path).substr(0, 15);
    thread.context.reset_for_exec(bias + header.entry, image_on_stack.sp);
    return std::nullopt;
}

} // namespace asterix::services
