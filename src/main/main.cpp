// The asterix command line (hosted only): parses arguments, prepares the host side, boots.

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "frame/boot.h"
#include "frame/log.h"
#include "host_arch/host.h"
#include "host_arch/host_limits.h"
#include "services/kernel.h"

extern char** environ;

namespace {

using namespace asterix;

constexpr const char* usage_text = R"(usage: asterix run [OPTIONS] [--] PROGRAM [ARGS...]

Runs an unmodified x86-64 Linux program as a guest of the Asterix kernel. Every syscall,
fault and signal of the guest is serviced by Asterix, never by the host kernel.

options:
  --root DIR        the guest's root directory (default /), passed through read-write
  --read-only       mount the root read-only (writes fail with EROFS)
  --tmpfs PATH      mount a fresh tmpfs on the guest directory PATH (repeatable)
  --initramfs FILE  the root is a tmpfs unpacked from FILE, a cpio newc archive (as the
                    bare-metal kernel boots); the host's files are not visible
  --mem SIZE        guest physical memory, e.g. 512M or 2G (default 1G)
  --platform=NAME   how guest threads run: ptrace (default: every syscall and fault is a
                    ptrace stop) or systrap (seccomp traps into a handler that hands the
                    registers to the kernel through shared memory)
  --strace[=FILE]   print every guest syscall in strace's format, with the thread id and
                    decoded arguments (to stderr or FILE)
  --strace=trace=SET  only these syscalls: names and classes (file, process, memory, signal,
                    desc), e.g. --strace=trace=file,process,read
  --strace-file FILE  the same as --strace=FILE
  --strace-time     start each trace line with the time since boot
  --record-syscalls FILE  write every syscall and its result compactly to FILE (for diffs)
  --panic-on-enosys stop with a kernel panic (backtrace, task, registers) at the first
                    syscall Asterix does not implement
  --pid1            run PROGRAM itself as pid 1 (it then ignores every signal it has no
                    handler for, ^C included); by default the kernel's own init is pid 1,
                    reaps orphans, and PROGRAM runs as pid 2
  --max-threads N   kernel.threads-max: the most guest threads (default: Linux's for --mem,
                    within what asterix's host mappings allow); root may lower it in
                    /proc/sys/kernel/threads-max. clone past it fails with EAGAIN
  --max-processes N the most guest processes, each a host process (default: half of what
                    the host's pid_max, threads-max, RLIMIT_NPROC and pids cgroup leave
                    free); fork past it fails with EAGAIN
  --env K=V         set a variable in the guest's environment
  --unset-env K     remove a variable from the guest's environment
  --cwd DIR         the guest's working directory (default: asterix's, when inside the root)
  --log SPEC        kernel log levels: a level for all (error, warn (default), info, debug,
                    trace) and/or SUBSYSTEM:LEVEL items, e.g. --log=warn,vm:trace,fs:info
                    (subsystems: kernel vm fs proc signal syscall sched)
  --log-file FILE   write the kernel log to FILE instead of stderr
  -h, --help        show this help

PROGRAM without a slash is looked up in the guest's PATH. The exit status is the guest's
(128+N when a signal N killed it). When PROGRAM ends, the instance ends: processes it left
running are killed, as under `docker run --init`.
)";

/// The whole of a host file, or false with errno set.
bool read_whole_file(const std::string& path, std::vector<u8>& out)
{
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file)
        return false;
    u8 buffer[65536];
    usize n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        out.insert(out.end(), buffer, buffer + n);
    bool is_ok = !std::ferror(file);
    std::fclose(file);
    return is_ok;
}

[[noreturn]] void fail(const std::string& message)
{
    std::fprintf(stderr, "asterix: %s\n", message.c_str());
    std::fprintf(stderr, "Try 'asterix --help'.\n");
    std::exit(2);
}

bool parse_size(std::string_view text, u64& out)
{
    if (text.empty())
        return false;
    u64 value = 0;
    usize i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        if (value > (~0ull - 9) / 10)
            return false;
        value = value * 10 + static_cast<u64>(text[i] - '0');
    }
    if (i == 0)
        return false;
    u64 scale = 1;
    std::string_view suffix = text.substr(i);
    if (suffix == "" || suffix == "B")
        scale = 1;
    else if (suffix == "K" || suffix == "k" || suffix == "KiB")
        scale = 1ull << 10;
    else if (suffix == "M" || suffix == "m" || suffix == "MiB")
        scale = 1ull << 20;
    else if (suffix == "G" || suffix == "g" || suffix == "GiB")
        scale = 1ull << 30;
    else
        return false;
    if (value > ~0ull / scale)
        return false;
    out = value * scale;
    return true;
}

/// A positive count no larger than a guest thread id can be (FUTEX_TID_MASK).
bool parse_count(std::string_view text, u64& out)
{
    constexpr u64 max_count = 0x3fffffff;
    u64 value = 0;
    if (text.empty() || text.size() > 10)
        return false;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<u64>(c - '0');
    }
    if (value == 0 || value > max_count)
        return false;
    out = value;
    return true;
}

void set_env(std::vector<std::string>& envp, const std::string& assignment)
{
    auto key = assignment.substr(0, assignment.find('=') + 1);
    for (auto& entry : envp) {
        if (entry.starts_with(key)) {
            entry = assignment;
            return;
        }
    }
    envp.push_back(assignment);
}

void unset_env(std::vector<std::string>& envp, const std::string& key)
{
    std::erase_if(envp, [&](const std::string& entry) { return entry.starts_with(key + "="); });
}

/// asterix's own working directory as a guest path, when it lies inside the root.
std::string guest_cwd(const std::string& root)
{
    char buffer[4096];
    if (!getcwd(buffer, sizeof buffer))
        return "/";
    std::string cwd = buffer;
    char resolved_root[4096];
    if (!realpath(root.c_str(), resolved_root))
        return "/";
    std::string r = resolved_root;
    if (r == "/")
        return cwd;
    if (cwd == r)
        return "/";
    if (cwd.starts_with(r + "/"))
        return cwd.substr(r.size());
    return "/";
}

int run(int argc, char** argv)
{
    frame::BootParams params;
    std::string root = "/";
    std::string cwd;
    std::string root_option;    // --root as given
    std::string initramfs_file; // --initramfs
    std::string strace_file;
    std::string log_file;
    std::string record_file;
    for (char** env = environ; *env; ++env)
        params.envp.emplace_back(*env);

    int i = 0;
    auto value_of = [&](const char* option) -> std::string {
        if (i + 1 >= argc)
            fail(std::string("option ") + option + " needs a value");
        return argv[++i];
    };
    for (; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") {
            ++i;
            break;
        }
        if (!arg.starts_with("-"))
            break;
        if (arg == "-h" || arg == "--help") {
            std::fputs(usage_text, stdout);
            return 0;
        } else if (arg == "--root") {
            root = root_option = value_of("--root");
        } else if (arg == "--initramfs") {
            initramfs_file = value_of("--initramfs");
        } else if (arg == "--read-only") {
            params.is_root_read_only = true;
        } else if (arg == "--tmpfs") {
            std::string path = value_of("--tmpfs");
            if (path.empty() || path.front() != '/')
                fail("--tmpfs wants an absolute guest path");
            params.tmpfs_mounts.push_back(path);
        } else if (arg == "--mem") {
            std::string text = value_of("--mem");
            if (!parse_size(text, params.mem_bytes) || params.mem_bytes < (4ull << 20))
                fail("--mem wants a size of at least 4M, like 512M or 2G (got '" + text + "')");
        } else if (arg == "--platform" || arg.starts_with("--platform=")) {
            std::string name = arg == "--platform" ? value_of("--platform") : std::string(arg.substr(11));
            if (name == "ptrace") {
                host::set_platform(host::Platform::ptrace);
            } else if (name == "systrap") {
                if (const char* reason = host::systrap_unsupported_reason())
                    fail(std::string("--platform=systrap is not available: ") + reason);
                host::set_platform(host::Platform::systrap);
            } else {
                fail("--platform wants ptrace or systrap (got '" + name + "')");
            }
        } else if (arg == "--strace") {
            params.is_strace_on = true;
        } else if (arg.starts_with("--strace=trace=")) {
            params.is_strace_on = true;
            params.strace_filter = std::string(arg.substr(15));
        } else if (arg.starts_with("--strace=")) {
            params.is_strace_on = true;
            strace_file = std::string(arg.substr(9));
        } else if (arg == "--strace-file") {
            params.is_strace_on = true;
            strace_file = value_of("--strace-file");
        } else if (arg == "--strace-time") {
            params.is_strace_timed = true;
        } else if (arg == "--panic-on-enosys") {
            params.is_panic_on_enosys = true;
        } else if (arg == "--record-syscalls") {
            record_file = value_of("--record-syscalls");
            params.is_recording_syscalls = true;
        } else if (arg == "--pid1") {
            params.is_program_pid1 = true;
        } else if (arg == "--max-threads" || arg == "--max-processes") {
            std::string option(arg);
            std::string text = value_of(option.c_str());
            u64 value = 0;
            if (!parse_count(text, value))
                fail(option + " wants a number from 1 to 1073741823 (got '" + text + "')");
            (arg == "--max-threads" ? params.max_threads : params.max_processes) = value;
        } else if (arg == "--env") {
            std::string assignment = value_of("--env");
            if (assignment.find('=') == std::string::npos || assignment.front() == '=')
                fail("--env wants K=V (got '" + assignment + "')");
            set_env(params.envp, assignment);
        } else if (arg == "--unset-env") {
            unset_env(params.envp, value_of("--unset-env"));
        } else if (arg == "--cwd") {
            cwd = value_of("--cwd");
            if (cwd.empty() || cwd.front() != '/')
                fail("--cwd wants an absolute guest path");
        } else if (arg == "--log" || arg.starts_with("--log=")) {
            std::string spec = arg == "--log" ? value_of("--log") : std::string(arg.substr(6));
            if (!frame::set_log_spec(spec))
                fail("bad log specification '" + spec + "' (levels: error warn info debug trace; subsystems: kernel vm fs proc signal syscall sched)");
        } else if (arg == "--log-file") {
            log_file = value_of("--log-file");
        } else {
            fail("unknown option '" + std::string(arg) + "'");
        }
    }
    if (i >= argc)
        fail("no program to run");
    params.program = argv[i];
    for (; i < argc; ++i)
        params.argv.emplace_back(argv[i]);

    std::vector<u8> initramfs;
    if (!initramfs_file.empty()) {
        if (!root_option.empty())
            fail("--initramfs and --root exclude each other");
        if (!read_whole_file(initramfs_file, initramfs))
            fail("cannot read initramfs '" + initramfs_file + "': " + std::strerror(errno));
        params.initramfs = initramfs;
        if (cwd.empty())
            cwd = "/";
    }

    host::init_console();
    if (!host::set_root(root))
        fail("cannot open root directory '" + root + "': " + std::strerror(errno));
    params.cwd = cwd.empty() ? guest_cwd(root) : cwd;
    params.host_thread_budget = host::thread_budget();
    if (params.max_processes == 0)
        params.max_processes = host::process_budget();
    params.uid = getuid();
    params.gid = getgid();

    // A guest writing into a closed pipe gets EPIPE; asterix itself must not die of it.
    std::signal(SIGPIPE, SIG_IGN);
    if (!log_file.empty() && !frame::set_log_file(log_file.c_str()))
        fail("cannot open log file '" + log_file + "': " + std::strerror(errno));
    if (!record_file.empty() && !frame::set_record_file(record_file.c_str()))
        fail("cannot open record file '" + record_file + "': " + std::strerror(errno));
    if (!strace_file.empty() && !frame::set_trace_file(strace_file.c_str()))
        fail("cannot open trace file '" + strace_file + "': " + std::strerror(errno));
    // Both platforms hand over between the kernel and a guest faster on one CPU: on the 2-vCPU
    // development VM (bench/run, 2026-11-30) an unpinned systrap was slower than a pinned one
    // on every row (pipe ping-pong 8x). systrap's spinning applies only across CPUs.
    host::pin_to_current_cpu();
    int status = frame::boot(params, services::kernel_main);
    host::restore_console();
    return status;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2)
        fail("missing command");
    std::string_view command = argv[1];
    if (command == "-h" || command == "--help" || command == "help") {
        std::fputs(usage_text, stdout);
        return 0;
    }
    if (command != "run")
        fail("unknown command '" + std::string(command) + "'");
    // Called as asterix-systrap (a link the build makes for the tests), the default platform
    // is systrap: unlike an option or a variable, a name survives the scripts that run asterix
    // under env -i or build its command line themselves.
    std::string_view name = argv[0];
    if (name.substr(name.rfind('/') + 1) == "asterix-systrap" && !host::systrap_unsupported_reason())
        host::set_platform(host::Platform::systrap);
    return run(argc - 2, argv + 2);
}
