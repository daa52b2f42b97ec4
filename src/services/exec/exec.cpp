#include "services/exec/exec.h"

#include <algorithm>
#include <variant>
#include <vector>

#include "frame/clock.h"
#include "frame/cpu.h"
#include "frame/frame_io.h"
#include "frame/log.h"
#include "frame/patch_table.h"
#include "frame/vdso.h"
#include "services/exec/elf.h"
#include "services/exec/initial_stack.h"
#include "services/fs/file.h"
#include "services/fs/page_cache.h"
#include "services/fs/permission.h"
#include "services/fs/vfs.h"
#include "services/process/process.h"

namespace asterix::services {

namespace {

/// Where Linux puts ET_DYN programs (ELF_ET_DYN_BASE on x86-64).
constexpr u64 dyn_load_base = 0x555555554000ull;
/// Nested "#!" interpreters Linux follows (BINPRM_MAX_RECURSION).
constexpr int max_interpreter_depth = 4;
/// The first line of a script Linux reads (BINPRM_BUF_SIZE).
constexpr usize shebang_bytes = 256;

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

struct ExecIds {
    u32 euid, egid;
};

Result<Ref<Dentry>> lookup(Process& process, const std::string& path)
{
    return walk_path(process.fs()->root, process.fs()->cwd, path, Follow::follow);
}

/// The lookup of a program the thread is to run: with its own credentials, so every
/// directory on the way must be searchable by it.
Result<Ref<Dentry>> lookup_as(Thread& thread, const std::string& path)
{
    Process& process = thread.process();
    return PathLookup(process.fs()->root, process.fs()->cwd, 0, 0, thread.credentials_ref()).walk(path);
}

/// Reads up to `buffer.size()` bytes at `offset`; returns how many.
Result<usize> read_at(File& file, u64 offset, std::span<u8> buffer)
{
    usize done = 0;
    while (done < buffer.size()) {
        auto writer = frame::UserWriter::for_kernel(buffer.subspan(done));
        usize n = TRY(file.read_at(offset + done, writer));
        if (n == 0)
            break;
        done += n;
    }
    return done;
}

/// An executable opened for exec: checked to be a regular file the caller may execute.
struct Executable {
    Ref<Dentry> dentry;
    Ref<File> file;
    u64 size;
    frame::FileStat stat;
    /// Nobody may open the file for writing while it is loaded (and, for the program, run).
    std::optional<ExecHold> hold;
};

std::variant<Executable, ExecError> open_executable(Thread& thread, const std::string& path)
{
    auto dentry = lookup_as(thread, path);
    if (dentry.is_error())
        return failure(dentry.error(), dentry.error() == Errno::enoent ? "program not found" : errno_message(dentry.error()));
    Inode& inode = dentry.value()->inode();
    auto st = inode.stat();
    if (st.is_error())
        return failure(st.error(), errno_message(st.error()));
    if (inode.is_directory())
        return failure(Errno::eacces, "is a directory");
    if (!inode.is_regular())
        return failure(Errno::eacces, "permission denied (not a regular file)");
    // Linux's do_open_execat asks for execute permission only: a 0111 program runs.
    if (generic_permission(thread.credentials(), st.value(), may_exec).is_error())
        return failure(Errno::eacces, "permission denied (not executable by this user)");
    // Linux's do_open_execat: a file some descriptor has open for writing is busy.
    auto hold = ExecHold::take(inode);
    if (hold.is_error())
        return failure(hold.error(), errno_message(hold.error()));
    auto file = inode.open(dentry.value(), o_rdonly);
    if (file.is_error())
        return failure(file.error(), errno_message(file.error()));
    return Executable {dentry.release_value(), file.release_value(), static_cast<u64>(st.value().size), st.value(),
        hold.release_value()};
}

/// The effective IDs a program runs with (Linux's bprm_fill_uid): a setuid file's owner, a
/// setgid (and group-executable) file's group, unless its mount is nosuid or the thread has
/// no_new_privs; else the caller's.
ExecIds exec_ids(Thread& thread, const Executable& exe)
{
    const Credentials& creds = thread.credentials();
    ExecIds ids {creds.euid, creds.egid};
    if (thread.has_no_new_privs() || exe.dentry->inode().fs().is_nosuid())
        return ids;
    if (exe.stat.mode & abi::s_isuid)
        ids.euid = exe.stat.uid;
    if ((exe.stat.mode & (abi::s_isgid | abi::s_ixgrp)) == (abi::s_isgid | abi::s_ixgrp))
        ids.egid = exe.stat.gid;
    return ids;
}

/// Copies one PT_LOAD into fresh frames. Each page gets the whole file page it overlaps, as
/// Linux's file mapping would, then the part past the segment's file size is zeroed (bss).
std::optional<ExecError> load_segment(MemoryMap& memory, File& file, const elf::ProgramHeader& ph, u64 bias,
    const std::string& name)
{
    u64 start = page_round_down(bias + ph.vaddr);
    u64 end = page_round_up(bias + ph.vaddr + ph.memsz);
    auto mapped = memory.map_anonymous(start, end - start, prot_of(ph.flags), Placement::fixed, name);
    if (mapped.is_error())
        return failure(mapped.error(), "cannot map a segment");
    u64 file_end_va = bias + ph.vaddr + ph.filesz;
    u64 file_offset_of_start = page_round_down(ph.offset);
    std::vector<u8> buffer(page_size);
    for (u64 va = start; va < file_end_va; va += page_size) {
        auto frame = alloc_frame();
        if (frame.is_error())
            return failure(Errno::enomem, "out of guest memory");
        // Only the file's part of the page is read: the rest stays as the fresh frame came, zero.
        auto part = std::span(buffer).first(std::min<u64>(page_size, file_end_va - va));
        auto got = read_at(file, file_offset_of_start + (va - start), part);
        if (got.is_error())
            return failure(Errno::eio, "cannot read the program");
        if (frame::FrameWriter(frame.value()).write(0, part.first(got.value())).is_error())
            return failure(Errno::eio, "cannot read the program");
        if (memory.install_page(va, frame.release_value()).is_error())
            return failure(Errno::enomem, "cannot map a segment");
    }
    return std::nullopt;
}

/// A parsed ELF file and where it was loaded.
struct LoadedElf {
    elf::Image image;
    u64 bias;
    std::string interp;
};

std::variant<elf::Image, ExecError> parse(File& file, u64 file_size)
{
    std::vector<u8> head(sizeof(elf::Header));
    auto got = read_at(file, 0, head);
    if (got.is_error())
        return failure(got.error(), "cannot read the program");
    head.resize(got.value());
    auto header_or_error = elf::parse_header(head, file_size);
    if (auto* error = std::get_if<elf::ParseError>(&header_or_error))
        return failure(error->error, error->reason);
    const auto& header = std::get<elf::Header>(header_or_error);
    std::vector<u8> phdrs(u64 {header.phnum} * sizeof(elf::ProgramHeader));
    auto phdrs_read = read_at(file, header.phoff, phdrs);
    if (phdrs_read.is_error() || phdrs_read.value() != phdrs.size())
        return failure(Errno::enoexec, "truncated program headers");
    auto image_or_error = elf::parse_program_headers(header, phdrs, file_size);
    if (auto* error = std::get_if<elf::ParseError>(&image_or_error))
        return failure(error->error, error->reason);
    return std::get<elf::Image>(image_or_error);
}

std::optional<ExecError> load_image(MemoryMap& memory, File& file, const elf::Image& image, u64 bias, const std::string& name)
{
    for (const auto& ph : image.program_headers) {
        if (ph.type != elf::pt_load || ph.memsz == 0)
            continue;
        if (auto error = load_segment(memory, file, ph, bias, name))
            return error;
    }
    return std::nullopt;
}

u64 phdr_address(const elf::Image& image, u64 bias)
{
    for (const auto& ph : image.program_headers) {
        if (ph.type == elf::pt_phdr)
            return bias + ph.vaddr;
    }
    for (const auto& ph : image.program_headers) {
        if (ph.type == elf::pt_load && ph.offset <= image.header.phoff && image.header.phoff - ph.offset < ph.filesz)
            return bias + ph.vaddr + (image.header.phoff - ph.offset);
    }
    return 0;
}

/// "#!interpreter [one argument]": the words of a script's first line, if it is a script.
std::optional<std::pair<std::string, std::string>> parse_shebang(std::span<const u8> head)
{
    if (head.size() < 2 || head[0] != '#' || head[1] != '!')
        return std::nullopt;
    std::string line(head.begin() + 2, head.end());
    line = line.substr(0, line.find('\n'));
    auto is_space = [](char c) { return c == ' ' || c == '\t'; };
    usize begin = 0;
    while (begin < line.size() && is_space(line[begin]))
        ++begin;
    usize end = begin;
    while (end < line.size() && !is_space(line[end]))
        ++end;
    std::string interpreter = line.substr(begin, end - begin);
    while (end < line.size() && is_space(line[end]))
        ++end;
    std::string argument = line.substr(end);
    while (!argument.empty() && is_space(argument.back()))
        argument.pop_back();
    return std::pair {interpreter, argument};
}

} // namespace

Result<std::string> resolve_program(Process& process, const std::string& program, const std::vector<std::string>& envp)
{
    if (program.empty())
        return Errno::enoent;
    if (program.find('/') != std::string::npos)
        return program;
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
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
        auto dentry = lookup(process, candidate);
        if (dentry.is_error())
            continue;
        auto st = dentry.value()->inode().stat();
        if (st.is_error())
            continue;
        if (dentry.value()->inode().is_regular() && (st.value().mode & 0111))
            return candidate;
        last = Errno::eacces;
    }
    return last;
}

std::optional<ExecError> exec_program(Thread& thread, const std::string& path_in, std::vector<std::string> argv,
    const std::vector<std::string>& envp)
{
    Process& process = thread.process();
    std::string path = path_in;
    Executable exe;
    for (int depth = 0;; ++depth) {
        auto opened = open_executable(thread, path);
        if (auto* error = std::get_if<ExecError>(&opened))
            return *error;
        exe = std::get<Executable>(std::move(opened));
        std::vector<u8> head(shebang_bytes);
        auto got = read_at(*exe.file, 0, head);
        if (got.is_error())
            return failure(got.error(), "cannot read the program");
        head.resize(got.value());
        auto script = parse_shebang(head);
        if (!script)
            break;
        if (depth >= max_interpreter_depth)
            return failure(Errno::eloop, "too many levels of #! interpreters");
        if (script->first.empty())
            return failure(Errno::enoexec, "#! line names no interpreter");
        // argv becomes: interpreter, [argument], script path, the script's arguments.
        std::vector<std::string> new_argv {script->first};
        if (!script->second.empty())
            new_argv.push_back(script->second);
        new_argv.push_back(path);
        new_argv.insert(new_argv.end(), argv.begin() + (argv.empty() ? 0 : 1), argv.end());
        argv = std::move(new_argv);
        path = script->first;
    }

    auto image_or_error = parse(*exe.file, exe.size);
    if (auto* error = std::get_if<ExecError>(&image_or_error))
        return *error;
    const auto& image = std::get<elf::Image>(image_or_error);

    std::optional<Executable> interp;
    std::optional<elf::Image> interp_image;
    if (image.has_interp()) {
        std::vector<u8> raw(image.interp_size);
        auto got = read_at(*exe.file, image.interp_offset, raw);
        if (got.is_error() || got.value() != raw.size() || raw.back() != 0)
            return failure(Errno::enoexec, "corrupt PT_INTERP");
        std::string interp_path(raw.begin(), raw.end() - 1);
        auto opened = open_executable(thread, interp_path);
        if (auto* error = std::get_if<ExecError>(&opened))
            return failure(error->error, "dynamic loader " + interp_path + ": " + error->reason);
        interp = std::get<Executable>(std::move(opened));
        auto parsed = parse(*interp->file, interp->size);
        if (auto* error = std::get_if<ExecError>(&parsed))
            return failure(error->error, "dynamic loader " + interp_path + ": " + error->reason);
        interp_image = std::get<elf::Image>(parsed);
        if (interp_image->has_interp())
            return failure(Errno::enoexec, "the dynamic loader itself names a loader");
    }

    // Point of no return: a fresh address space replaces the old one.
    auto vm = frame::VmSpace::create();
    if (vm.is_error())
        return failure(vm.error(), "cannot create an address space");
    auto memory = make_ref<MemoryMap>(vm.release_value());
    memory->hold_executable(std::move(*exe.hold));

    const std::string exe_path = exe.dentry->path();
    u64 bias = image.header.type == elf::et_dyn ? dyn_load_base - image.min_vaddr : 0;
    if (auto error = load_image(*memory, *exe.file, image, bias, exe_path))
        return error;
    memory->set_brk_start(bias + image.max_vaddr);

    u64 entry = bias + image.header.entry;
    u64 interp_base = 0;
    if (interp) {
        // The loader goes where mmap would put it, like Linux's load_elf_interp.
        u64 span = interp_image->max_vaddr - interp_image->min_vaddr;
        auto base = memory->map_anonymous(0, span, frame::perm_none, Placement::anywhere);
        if (base.is_error())
            return failure(base.error(), "no room for the dynamic loader");
        MUST(memory->unmap(base.value(), span));
        u64 interp_bias = base.value() - interp_image->min_vaddr;
        if (auto error = load_image(*memory, *interp->file, *interp_image, interp_bias, interp->dentry->path()))
            return error;
        interp_base = base.value();
        entry = interp_bias + interp_image->header.entry;
    }

    auto stack = memory->map_anonymous(stack_top - stack_max_bytes, stack_max_bytes,
        frame::perm_read | frame::perm_write, Placement::fixed, "[stack]");
    if (stack.is_error())
        return failure(stack.error(), "cannot map the stack");
    // The vDSO, as Linux maps it after the program and its loader.
    auto vdso_pages = frame::vdso_pages();
    if (vdso_pages.is_error())
        return failure(vdso_pages.error(), "cannot make the vDSO");
    auto vdso = memory->map_vdso(vdso_pages.value());
    if (vdso.is_error())
        return failure(vdso.error(), "cannot map the vDSO");
    // The trampolines of patched syscall sites, when the backend patches them. A program that
    // occupies their fixed address keeps its sites unpatched (the backend checks the table is
    // mapped), so a failure here costs speed only.
    if (auto table = frame::patch_table_pages()) {
        if (memory->map_patch_table(*table).is_error())
            frame::klog(frame::Subsystem::vm, frame::LogLevel::debug, "no room for the syscall trampolines: no site gets patched");
    }

    // The program's credentials (capabilities(7), "Transformation of capabilities during execve").
    auto creds = thread.credentials().copy();
    auto ids = exec_ids(thread, exe);
    bool is_setid = ids.euid != creds->uid || ids.egid != creds->gid;
    bool is_secure = creds->apply_exec(ids.euid, ids.egid, is_setid);
    // Linux's begin_new_exec: a program running as someone else, or one its caller could not
    // read, may not be reached into by its caller's user (ptrace_may_access, /proc/PID/*).
    bool is_dumpable = !is_secure && creds->euid == creds->uid && creds->egid == creds->gid
        && !generic_permission(thread.credentials(), exe.stat, may_read).is_error();

    std::array<u8, 16> random;
    frame::random_bytes(random);
    std::vector<AuxEntry> auxv = {
        {at_sysinfo_ehdr, vdso.value()}, // first, as Linux's ARCH_DLINFO puts it
        {at_phdr, phdr_address(image, bias)},
        {at_phent, sizeof(elf::ProgramHeader)},
        {at_phnum, image.header.phnum},
        {at_pagesz, page_size},
        {at_base, interp_base},
        {at_flags, 0},
        {at_entry, bias + image.header.entry},
        {at_uid, creds->uid},
        {at_euid, creds->euid},
        {at_gid, creds->gid},
        {at_egid, creds->egid},
        {at_hwcap, frame::cpu_hwcap()},
        {at_hwcap2, frame::cpu_hwcap2()},
        {at_clktck, 100},
        {at_secure, is_secure ? 1u : 0u},
    };
    // build_initial_stack adds AT_RANDOM, AT_PLATFORM, AT_EXECFN and AT_NULL after these.
    usize auxv_bytes = (auxv.size() + 4) * 2 * sizeof(u64);
    auto built = build_initial_stack(stack_top, argv, envp, path_in, random, std::move(auxv), stack_max_bytes / 4);
    if (built.is_error())
        return failure(built.error(), "argument list too long");
    const StackImage& image_on_stack = built.value();
    if (memory->vm().write_bytes(image_on_stack.sp, image_on_stack.bytes).is_error())
        return failure(Errno::enomem, "out of guest memory");
    // The loaded image, its loader, the stack and the vDSO are the first pages the program
    // touches: into the backend's mappings now, in one batch, instead of one fault each.
    memory->vm().fill_tlb_range(0, frame::user_space_end);

    // The kept argv and envp (for /proc) are the kernel's: a process cannot make thousands of
    // copies of megabytes of them past the instance's kernel memory.
    KernelCharge args_charge;
    if (args_charge.grow(string_list_bytes(argv) + string_list_bytes(envp)).is_error())
        return failure(Errno::enomem, "no kernel memory for the arguments");

    if (process.memory())
        process.memory()->sync_all();
    // The credentials first: a change of identity clears dumpable, which the image then sets.
    thread.set_credentials(std::move(creds));
    process.replace_image(std::move(memory), exe_path, argv, envp, std::move(args_charge), std::string(base_name(path_in)), is_dumpable);
    thread.context().reset_for_exec(entry, image_on_stack.sp);
    // The vector follows argc, argv and envp with their NULLs on the new stack.
    usize auxv_offset = (argv.size() + envp.size() + 3) * sizeof(u64);
    if (auxv_offset + auxv_bytes <= image_on_stack.bytes.size())
        process.set_saved_auxv(std::string(image_on_stack.bytes.begin() + static_cast<std::ptrdiff_t>(auxv_offset),
            image_on_stack.bytes.begin() + static_cast<std::ptrdiff_t>(auxv_offset + auxv_bytes)));
    thread.unregister_rseq();
    return std::nullopt;
}

} // namespace asterix::services
