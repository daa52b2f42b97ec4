// The asterix command line (hosted only): parses arguments, prepares the host side, boots.

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "frame/boot.h"
#include "frame/log.h"
#include "host_arch/host.h"
#include "host_arch/host_limits.h"
#include "main/options.h"
#include "services/kernel.h"

extern char** environ;

namespace {

using namespace asterix;

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

constexpr int exit_usage = 2;

/// A bad command line: the problem and where to read about the options, status 2.
[[noreturn]] void fail(const std::string& message, std::string_view command = "")
{
    std::fprintf(stderr, "asterix: %s\n", message.c_str());
    if (command.empty())
        std::fprintf(stderr, "Try 'asterix --help'.\n");
    else
        std::fprintf(stderr, "Try 'asterix %.*s --help'.\n", static_cast<int>(command.size()), command.data());
    std::exit(exit_usage);
}

/// A port number from 1 to 65535.
bool parse_port(std::string_view text, u16& out)
{
    if (text.empty() || text.size() > 5)
        return false;
    u32 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<u32>(c - '0');
    }
    if (value == 0 || value > 65535)
        return false;
    out = static_cast<u16>(value);
    return true;
}

/// --publish HOSTPORT:GUESTPORT[/tcp|/udp].
host::PortForward parse_publish(const std::string& spec)
{
    host::PortForward forward {};
    std::string_view text = spec;
    std::string_view protocol = "tcp";
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        protocol = text.substr(slash + 1);
        text = text.substr(0, slash);
    }
    if (protocol != "tcp" && protocol != "udp")
        fail("--publish: the protocol must be tcp or udp (got '" + std::string(protocol) + "' in '" + spec + "')", "run");
    forward.is_udp = protocol == "udp";
    auto colon = text.find(':');
    if (colon == std::string_view::npos)
        fail("--publish wants HOSTPORT:GUESTPORT[/tcp|/udp] (got '" + spec + "')", "run");
    if (!parse_port(text.substr(0, colon), forward.host_port))
        fail("--publish: the host port must be a number from 1 to 65535 (got '" + std::string(text.substr(0, colon)) + "' in '" + spec + "')", "run");
    if (!parse_port(text.substr(colon + 1), forward.guest_port))
        fail("--publish: the guest port must be a number from 1 to 65535 (got '" + std::string(text.substr(colon + 1)) + "' in '" + spec + "')", "run");
    return forward;
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
    else if (suffix == "T" || suffix == "t" || suffix == "TiB")
        scale = 1ull << 40;
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
std::optional<std::string> guest_cwd(const std::string& root)
{
    char buffer[4096];
    if (!getcwd(buffer, sizeof buffer))
        return {};
    std::string cwd = buffer;
    char resolved_root[4096];
    if (!realpath(root.c_str(), resolved_root))
        return {};
    std::string r = resolved_root;
    if (r == "/")
        return cwd;
    if (cwd == r)
        return "/";
    if (cwd.starts_with(r + "/"))
        return cwd.substr(r.size());
    return {};
}


/// Where the asterix binary itself lives (for `debug`, which runs it under gdb).
std::string self_path()
{
    char buffer[4096];
    ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (n <= 0)
        return "asterix";
    return std::string(buffer, static_cast<usize>(n));
}

/// What the sizes --mem accepts: small enough for the host to reserve its address space, large
/// enough for the kernel's own tables and a first program's stack and binary.
constexpr u64 min_mem_bytes = AX_MIN_MEM_BYTES;
constexpr u64 max_mem_bytes = 1ull << 40;

std::string size_text(u64 bytes)
{
    if (bytes % (1ull << 40) == 0)
        return std::to_string(bytes >> 40) + "T";
    if (bytes % (1ull << 30) == 0)
        return std::to_string(bytes >> 30) + "G";
    return std::to_string(bytes >> 20) + "M";
}

/// --volume HOST:GUEST[:ro]: opens HOST and records GUEST.
void add_volume(frame::BootParams& params, const std::string& spec)
{
    std::string text = spec;
    bool is_read_only = false;
    if (text.ends_with(":ro")) {
        is_read_only = true;
        text.resize(text.size() - 3);
    } else if (text.ends_with(":rw")) {
        text.resize(text.size() - 3);
    }
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size())
        fail("--volume wants HOST:GUEST or HOST:GUEST:ro (got '" + spec + "')", "run");
    std::string host_dir = text.substr(0, colon);
    std::string guest_dir = text.substr(colon + 1);
    if (guest_dir.front() != '/')
        fail("--volume " + spec + ": the guest path '" + guest_dir + "' must be absolute", "run");
    if (host::add_volume(host_dir) < 0)
        fail("--volume " + spec + ": cannot open the host directory '" + host_dir + "': " + std::strerror(errno), "run");
    params.volumes.push_back({guest_dir, is_read_only});
}

int run(std::span<char* const> args)
{
    std::vector<cli::Parsed> parsed;
    std::vector<std::string> operands;
    std::string error;
    if (!cli::parse(cli::Command::run, args, parsed, operands, error))
        fail(error, "run");

    frame::BootParams params;
    std::string root = "/";
    std::string cwd;
    std::string root_option;    // --root as given
    std::string initramfs_file; // --initramfs
    std::string strace_file;
    std::string log_file;
    std::string record_file;
    std::optional<u64> stop_timeout_s;
    bool is_trace_per_process = false;
    std::vector<std::string> volumes;
    std::string net_mode = "loopback";
    bool is_net_given = false;
    host::UserNetConfig user_net;
    for (char** env = environ; *env; ++env)
        params.envp.emplace_back(*env);

    for (const auto& item : parsed) {
        std::string_view name = item.option->name;
        const std::string& value = item.value;
        if (name == "help") {
            std::fputs(cli::command_help(*cli::find_command("run")).c_str(), stdout);
            return 0;
        } else if (name == "root") {
            root = root_option = value;
        } else if (name == "initramfs") {
            initramfs_file = value;
        } else if (name == "read-only") {
            params.is_root_read_only = true;
        } else if (name == "tmpfs") {
            if (value.empty() || value.front() != '/')
                fail("--tmpfs wants an absolute guest path (got '" + value + "')", "run");
            params.tmpfs_mounts.push_back(value);
        } else if (name == "volume") {
            volumes.push_back(value);
        } else if (name == "mem") {
            if (!parse_size(value, params.mem_bytes))
                fail("--mem wants a size like 512M, 2G or 1T (got '" + value + "')", "run");
            if (params.mem_bytes < min_mem_bytes || params.mem_bytes > max_mem_bytes)
                fail("--mem wants a size from " + size_text(min_mem_bytes) + " to " + size_text(max_mem_bytes) + " (got '" + value + "')", "run");
        } else if (name == "platform") {
            if (value == "ptrace") {
                host::set_platform(host::Platform::ptrace);
            } else if (value == "systrap") {
                if (const char* reason = host::systrap_unsupported_reason())
                    fail(std::string("--platform=systrap is not available: ") + reason, "run");
                host::set_platform(host::Platform::systrap);
            } else {
                fail("--platform wants ptrace or systrap (got '" + value + "')", "run");
            }
        } else if (name == "syscall-patching") {
            if (value != "on" && value != "off")
                fail("--syscall-patching wants on or off (got '" + value + "')", "run");
            host::set_syscall_patching(value == "on");
        } else if (name == "strace") {
            params.is_strace_on = true;
            if (item.has_value && value.starts_with("trace="))
                params.strace_filter = value.substr(6);
            else if (item.has_value)
                strace_file = value;
            if (item.has_value && value.empty())
                fail("--strace= wants a file name (or write --strace alone)", "run");
        } else if (name == "strace-file") {
            params.is_strace_on = true;
            strace_file = value;
        } else if (name == "strace-trace") {
            params.is_strace_on = true;
            params.strace_filter = value;
        } else if (name == "strace-summary") {
            params.is_strace_summary = true;
        } else if (name == "strace-string-limit") {
            u64 bytes = 0;
            constexpr u64 max_bytes = 1 << 20;
            if (!parse_count(value, bytes) || bytes > max_bytes)
                fail("--strace-string-limit wants a number of bytes from 1 to 1048576 (got '" + value + "')", "run");
            params.strace_string_limit = bytes;
        } else if (name == "strace-ff") {
            params.is_strace_on = true;
            is_trace_per_process = true;
        } else if (name == "strace-time") {
            params.is_strace_on = true;
            params.is_strace_timed = true;
        } else if (name == "panic-on-enosys") {
            params.is_panic_on_enosys = true;
        } else if (name == "record-syscalls") {
            record_file = value;
            params.is_recording_syscalls = true;
        } else if (name == "pid1") {
            params.is_program_pid1 = true;
        } else if (name == "max-threads" || name == "max-processes") {
            u64 count = 0;
            if (!parse_count(value, count))
                fail("--" + std::string(name) + " wants a number from 1 to 1073741823 (got '" + value + "')", "run");
            (name == "max-threads" ? params.max_threads : params.max_processes) = count;
        } else if (name == "stop-timeout") {
            u64 seconds = 0;
            constexpr u64 max_seconds = 1'000'000;
            if (value == "0")
                seconds = 0;
            else if (!parse_count(value, seconds) || seconds > max_seconds)
                fail("--stop-timeout wants whole seconds from 0 to 1000000 (got '" + value + "')", "run");
            stop_timeout_s = seconds;
        } else if (name == "env") {
            if (value.find('=') == std::string::npos || value.front() == '=')
                fail("--env wants K=V (got '" + value + "')", "run");
            set_env(params.envp, value);
        } else if (name == "unset-env") {
            unset_env(params.envp, value);
        } else if (name == "cwd") {
            cwd = value;
            if (cwd.empty() || cwd.front() != '/')
                fail("--cwd wants an absolute guest path (got '" + cwd + "')", "run");
        } else if (name == "log") {
            if (!frame::set_log_spec(value))
                fail("--log: bad specification '" + value + "' (levels: error warn info debug trace; subsystems: kernel vm fs proc signal syscall sched)", "run");
        } else if (name == "log-file") {
            log_file = value;
        } else if (name == "net") {
            if (value != "none" && value != "loopback" && value != "user")
                fail("--net wants none, loopback or user (got '" + value + "')", "run");
            net_mode = value;
            is_net_given = true;
        } else if (name == "publish") {
            user_net.forwards.push_back(parse_publish(value));
        }
    }
    if (!user_net.forwards.empty()) {
        if (is_net_given && net_mode != "user")
            fail("--publish needs --net=user (got --net=" + net_mode + ")", "run");
        net_mode = "user";
    }
    if (operands.empty())
        fail("run: no program to run", "run");
    params.program = operands.front();
    params.argv = operands;

    std::vector<u8> initramfs;
    if (!initramfs_file.empty()) {
        if (!root_option.empty())
            fail("--initramfs and --root exclude each other", "run");
        if (!read_whole_file(initramfs_file, initramfs))
            fail("--initramfs: cannot read initramfs '" + initramfs_file + "': " + std::strerror(errno), "run");
        params.initramfs = initramfs;
        if (cwd.empty())
            cwd = "/";
    }

    host::init_console();
    if (!host::set_root(root))
        fail("--root: cannot open the directory '" + root + "': " + std::strerror(errno), "run");
    for (const auto& spec : volumes)
        add_volume(params, spec);
    if (!cwd.empty()) {
        params.cwd = cwd;
        params.is_cwd_required = true;
    } else if (auto inside = guest_cwd(root)) {
        params.cwd = *inside;
        params.is_cwd_required = true;
    }
    params.host_thread_budget = host::thread_budget();
    if (params.max_processes == 0)
        params.max_processes = host::process_budget();
    params.uid = getuid();
    params.gid = getgid();
    auto [ping_low, ping_high] = host::ping_group_range();
    params.ping_group_low = ping_low;
    params.ping_group_high = ping_high;
    if (stop_timeout_s)
        host::set_stop_timeout_ns(*stop_timeout_s * 1'000'000'000);

    // A guest writing into a closed pipe gets EPIPE; asterix itself must not die of it.
    std::signal(SIGPIPE, SIG_IGN);
    if (!log_file.empty() && !frame::set_log_file(log_file.c_str()))
        fail("--log-file: cannot open '" + log_file + "': " + std::strerror(errno), "run");
    if (!record_file.empty() && !frame::set_record_file(record_file.c_str()))
        fail("--record-syscalls: cannot open '" + record_file + "': " + std::strerror(errno), "run");
    if (is_trace_per_process && strace_file.empty())
        fail("--strace-ff wants --strace=FILE (the files are FILE.PID)", "run");
    frame::set_trace_per_process(is_trace_per_process);
    if (!strace_file.empty() && !frame::set_trace_file(strace_file.c_str()))
        fail("--strace: cannot open the trace file '" + strace_file + "': " + std::strerror(errno), "run");
    // Both platforms hand over between the kernel and a guest faster on one CPU: on the 2-vCPU
    // development VM (bench/run, 2026-11-30) an unpinned systrap was slower than a pinned one
    // on every row (pipe ping-pong 8x). systrap's spinning applies only across CPUs.
    // The NAT starts before asterix pins itself, so that passt keeps every CPU: it copies bytes
    // between sockets while the kernel runs the guest.
    if (net_mode == "user") {
        std::string net_error;
        if (!host::start_user_net(user_net, net_error)) {
            std::fprintf(stderr, "asterix: --net=user: %s\n", net_error.c_str());
            return 125;
        }
    }
    host::pin_to_current_cpu();
    int status = frame::boot(params, services::kernel_main);
    host::stop_user_net();
    host::restore_console();
    return status;
}

/// `asterix debug run ...`: asterix under gdb with the kernel's gdb commands.
int debug(std::span<char* const> args)
{
    std::vector<cli::Parsed> parsed;
    std::vector<std::string> operands;
    std::string error;
    if (!cli::parse(cli::Command::debug, args, parsed, operands, error))
        fail(error, "debug");
    if (!parsed.empty()) {
        std::fputs(cli::command_help(*cli::find_command("debug")).c_str(), stdout);
        return 0;
    }
    if (operands.empty() || operands.front() != "run")
        fail("debug wants a run command line: asterix debug run [OPTIONS] PROGRAM [ARGS...]", "debug");
    std::string script = std::string(AX_SOURCE_DIR) + "/tools/asterix.gdb";
    std::string self = self_path();
    // Sources are named relative to the build directory, where the binary is; the debug
    // information's compile directory may be another checkout's (a shared compiler cache).
    std::string sources = "directory " + self.substr(0, self.rfind('/'));
    std::vector<const char*> gdb_argv {"gdb", "-q", "-iex", sources.c_str(), "-x", script.c_str(), "--args", self.c_str()};
    for (const auto& operand : operands)
        gdb_argv.push_back(operand.c_str());
    gdb_argv.push_back(nullptr);
    execvp("gdb", const_cast<char* const*>(gdb_argv.data()));
    std::fprintf(stderr, "asterix: debug: cannot run gdb: %s (install it with tools/install-deps)\n", std::strerror(errno));
    return 127;
}

/// `asterix boot ...`: QEMU's command line lives in the ./asterix wrapper of the source tree.
int boot(std::span<char* const> args)
{
    std::vector<cli::Parsed> parsed;
    std::vector<std::string> operands;
    std::string error;
    if (!cli::parse(cli::Command::boot, args, parsed, operands, error))
        fail(error, "boot");
    for (const auto& item : parsed) {
        if (item.option->name == "help") {
            std::fputs(cli::command_help(*cli::find_command("boot")).c_str(), stdout);
            return 0;
        }
    }
    std::string wrapper = std::string(AX_SOURCE_DIR) + "/asterix";
    std::string self = self_path();
    std::string build_dir = self.substr(0, self.rfind('/'));
    setenv("ASTERIX_BUILD_DIR", build_dir.c_str(), 0);
    std::vector<const char*> wrapper_argv {wrapper.c_str(), "boot"};
    for (char* arg : args)
        wrapper_argv.push_back(arg);
    wrapper_argv.push_back(nullptr);
    execv(wrapper.c_str(), const_cast<char* const*>(wrapper_argv.data()));
    std::fprintf(stderr, "asterix: boot: cannot run %s: %s (boot needs the source tree)\n", wrapper.c_str(), std::strerror(errno));
    return 127;
}

} // namespace

int main(int argc, char** argv)
{
    std::span<char* const> args(argv, static_cast<usize>(argc));
    if (argc < 2) {
        std::fputs(cli::general_help().c_str(), stderr);
        return exit_usage;
    }
    std::string_view command = argv[1];
    if (command == "-h" || command == "--help" || command == "help") {
        std::fputs(cli::general_help().c_str(), stdout);
        return 0;
    }
    if (command == "--version" || command == "-V") {
        std::printf("asterix %s\n", AX_VERSION);
        return 0;
    }
    if (command == "--bash-completion") {
        std::fputs(cli::bash_completion().c_str(), stdout);
        return 0;
    }
    if (command == "--man") {
        std::fputs(cli::man_page(AX_VERSION).c_str(), stdout);
        return 0;
    }
    // systrap is the default platform where the host can run it. Called as asterix-ptrace (a
    // link the build makes for the tests), the default is ptrace: unlike an option or a
    // variable, a name survives the scripts that run asterix under env -i or build its command
    // line themselves.
    std::string_view name = argv[0];
    bool is_ptrace_name = name.substr(name.rfind('/') + 1) == "asterix-ptrace";
    host::set_platform(is_ptrace_name || host::systrap_unsupported_reason() ? host::Platform::ptrace : host::Platform::systrap);
    // The test suite runs once more with patching off through this variable (the option wins).
    if (const char* patching = std::getenv("ASTERIX_SYSCALL_PATCHING"); patching && std::string_view(patching) == "off")
        host::set_syscall_patching(false);
    if (command == "run")
        return run(args.subspan(2));
    if (command == "debug")
        return debug(args.subspan(2));
    if (command == "boot")
        return boot(args.subspan(2));
    if (command.starts_with("-"))
        fail("unknown option '" + std::string(command) + "' (options follow the command: asterix run [OPTIONS] PROGRAM)");
    fail("unknown command '" + std::string(command) + "' (commands: run, debug, boot)");
}
