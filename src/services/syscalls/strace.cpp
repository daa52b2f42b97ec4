#include "services/syscalls/strace.h"

#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>
#include <algorithm>
#include <bitset>

#include "frame/bytes.h"
#include "frame/log.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/syscall_names.h"

namespace asterix::services {

namespace {

bool g_is_strace_on = false;
bool g_is_strace_timed = false;
bool g_is_recording = false;
/// Which syscall numbers --strace shows (all when the filter is empty).
std::bitset<1024> g_selected;

// strace's syscall classes (strace(1) -e trace=%file...), by name.
constexpr const char* file_class[] = {"open", "stat", "lstat", "access", "execve", "truncate", "chdir", "rename",
    "mkdir", "rmdir", "creat", "link", "unlink", "symlink", "readlink", "chmod", "chown", "lchown", "mknod", "statfs",
    "chroot", "setxattr", "lsetxattr", "getxattr", "lgetxattr", "listxattr", "llistxattr", "removexattr",
    "lremovexattr", "openat", "mkdirat", "mknodat", "fchownat", "newfstatat", "unlinkat", "renameat", "linkat",
    "symlinkat", "readlinkat", "fchmodat", "faccessat", "utimensat", "renameat2", "execveat", "statx", "openat2",
    "faccessat2"};
constexpr const char* process_class[] = {"clone", "fork", "vfork", "execve", "exit", "wait4", "kill", "exit_group",
    "tgkill", "tkill", "waitid", "execveat", "clone3", "rt_sigqueueinfo", "rt_tgsigqueueinfo"};
constexpr const char* memory_class[] = {"mmap", "mprotect", "munmap", "brk", "mremap", "msync", "mincore", "madvise"};
constexpr const char* signal_class[] = {"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "pause", "kill",
    "rt_sigpending", "rt_sigtimedwait", "rt_sigqueueinfo", "rt_sigsuspend", "sigaltstack", "tkill", "tgkill",
    "rt_tgsigqueueinfo", "alarm", "setitimer", "getitimer"};
constexpr const char* desc_class[] = {"read", "write", "open", "close", "fstat", "poll", "lseek", "mmap", "ioctl",
    "pread64", "pwrite64", "readv", "writev", "pipe", "select", "dup", "dup2", "sendfile", "fcntl", "fsync",
    "fdatasync", "ftruncate", "getdents64", "fchdir", "creat", "fchmod", "fchown", "fstatfs", "readahead",
    "fsetxattr", "fgetxattr", "flistxattr", "fremovexattr", "fadvise64", "openat", "mkdirat", "mknodat",
    "fchownat", "newfstatat", "unlinkat", "renameat", "linkat", "symlinkat", "readlinkat", "fchmodat", "faccessat",
    "pselect6", "ppoll", "utimensat", "dup3", "pipe2", "preadv", "pwritev", "syncfs", "renameat2", "execveat",
    "copy_file_range", "preadv2", "pwritev2", "statx", "close_range", "openat2", "faccessat2"};

bool select_name(std::string_view name)
{
    bool found = false;
    for (u64 number = 0; number < g_selected.size(); ++number) {
        const char* known = syscall_name(number);
        if (known && name == known) {
            g_selected.set(number);
            found = true;
        }
    }
    return found;
}

template<usize N>
void select_class(const char* const (&names)[N])
{
    for (const char* name : names)
        select_name(name);
}
constexpr usize max_string_bytes = 32; // strace's default -s

struct FlagName {
    u64 bit;
    const char* name;
};

constexpr FlagName map_flag_names[] = {
    {0x01, "MAP_SHARED"}, {0x02, "MAP_PRIVATE"}, {0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"},
    {0x100, "MAP_GROWSDOWN"}, {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"}, {0x2000, "MAP_LOCKED"},
    {0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"}, {0x20000, "MAP_STACK"},
    {0x40000, "MAP_HUGETLB"}, {0x100000, "MAP_FIXED_NOREPLACE"},
};

constexpr FlagName open_flag_names[] = {
    {01, "O_WRONLY"}, {02, "O_RDWR"}, {0100, "O_CREAT"}, {0200, "O_EXCL"}, {0400, "O_NOCTTY"},
    {01000, "O_TRUNC"}, {02000, "O_APPEND"}, {04000, "O_NONBLOCK"}, {010000, "O_DSYNC"}, {020000, "O_ASYNC"},
    {040000, "O_DIRECT"}, {0100000, "O_LARGEFILE"}, {0200000, "O_DIRECTORY"}, {0400000, "O_NOFOLLOW"},
    {01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"}, {04000000, "O_SYNC"}, {010000000, "O_PATH"},
    {020000000, "O_TMPFILE"},
};

constexpr FlagName clone_flag_names[] = {
    {0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"}, {0x800, "CLONE_SIGHAND"},
    {0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"}, {0x4000, "CLONE_VFORK"}, {0x8000, "CLONE_PARENT"},
    {0x10000, "CLONE_THREAD"}, {0x20000, "CLONE_NEWNS"}, {0x40000, "CLONE_SYSVSEM"}, {0x80000, "CLONE_SETTLS"},
    {0x100000, "CLONE_PARENT_SETTID"}, {0x200000, "CLONE_CHILD_CLEARTID"}, {0x400000, "CLONE_DETACHED"},
    {0x800000, "CLONE_UNTRACED"}, {0x1000000, "CLONE_CHILD_SETTID"},
};

constexpr FlagName prot_names[] = {{1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}};

constexpr const char* clock_names[] = {"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
    "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE",
    "CLOCK_BOOTTIME"};

std::string format(const char* fmt, auto... args)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, fmt, args...);
    return buffer;
}

std::string hex(u64 value) { return format("%#" PRIx64, value); }

std::string flags(u64 value, std::span<const FlagName> names, const char* zero)
{
    std::string out;
    for (const auto& flag : names) {
        if (value & flag.bit) {
            if (!out.empty())
                out += '|';
            out += flag.name;
            value &= ~flag.bit;
        }
    }
    if (value) {
        if (!out.empty())
            out += '|';
        out += hex(value);
    }
    return out.empty() ? zero : out;
}

void append_escaped(std::string& out, std::span<const u8> bytes)
{
    for (u8 c : bytes) {
        switch (c) {
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        default:
            if (c >= 0x20 && c < 0x7f)
                out += static_cast<char>(c);
            else
                out += format("\\%o", c);
        }
    }
}

std::string quoted_buffer(Context& ctx, u64 addr, u64 len)
{
    usize shown = std::min<u64>(len, max_string_bytes);
    std::vector<u8> bytes(shown);
    if (ctx.user().read_bytes(addr, bytes).is_error())
        return hex(addr);
    std::string out = "\"";
    append_escaped(out, bytes);
    out += '"';
    if (len > shown)
        out += "...";
    return out;
}

std::string quoted_string(Context& ctx, u64 addr)
{
    if (addr == 0)
        return "NULL";
    auto text = ctx.user().read_cstring(addr, 4096);
    if (text.is_error())
        return hex(addr);
    std::string_view view = text.value();
    std::string out = "\"";
    append_escaped(out, text_bytes(view).first(std::min(view.size(), max_string_bytes)));
    out += '"';
    if (view.size() > max_string_bytes)
        out += "...";
    return out;
}

std::string format_arg(Context& ctx, std::string_view kind, const SyscallArgs& args, usize index, long result)
{
    u64 value = args[index];
    if (kind == "fd" || kind == "d")
        return format("%d", static_cast<int>(value));
    if (kind == "dirfd")
        return static_cast<int>(value) == abi::at_fdcwd ? "AT_FDCWD" : format("%d", static_cast<int>(value));
    if (kind == "l")
        return format("%" PRId64, static_cast<i64>(value));
    if (kind == "u")
        return format("%" PRIu64, value);
    if (kind == "o")
        return format("%#" PRIo64, value);
    if (kind == "p")
        return value ? hex(value) : "NULL";
    if (kind == "s")
        return quoted_string(ctx, value);
    if (kind.starts_with("bi"))
        return quoted_buffer(ctx, value, args[kind[2] - '0']);
    if (kind.starts_with("bo"))
        return result >= 0 ? quoted_buffer(ctx, value, static_cast<u64>(result)) : hex(value);
    if (kind == "prot")
        return flags(value, prot_names, "PROT_NONE");
    if (kind == "mapflags")
        return flags(value, map_flag_names, "0");
    if (kind == "openflags") {
        std::string rest = flags(value & ~u64 {3}, open_flag_names, "");
        std::string access = (value & 3) == 0 ? "O_RDONLY" : (value & 3) == 1 ? "O_WRONLY" : "O_RDWR";
        if ((value & 3) == 3)
            access = "0x3";
        return rest.empty() ? access : access + "|" + rest;
    }
    if (kind == "sig") {
        const char* name = signal_name(static_cast<int>(value));
        return name ? name : format("%d", static_cast<int>(value));
    }
    if (kind == "cloneflags") {
        std::string out = flags(value & ~u64 {0xff}, clone_flag_names, "");
        if (value & 0xff) {
            const char* sig = signal_name(static_cast<int>(value & 0xff));
            out += (out.empty() ? "" : "|") + std::string(sig ? sig : "?");
        }
        return out.empty() ? "0" : out;
    }
    if (kind == "statbuf") {
        if (result != 0)
            return hex(value);
        auto st = ctx.user().read(UserPtr<abi::Stat>(value));
        if (st.is_error())
            return hex(value);
        const char* type = "S_IFREG";
        switch (st.value().mode & 0170000) {
        case 0040000: type = "S_IFDIR"; break;
        case 0120000: type = "S_IFLNK"; break;
        case 0020000: type = "S_IFCHR"; break;
        case 0060000: type = "S_IFBLK"; break;
        case 0010000: type = "S_IFIFO"; break;
        case 0140000: type = "S_IFSOCK"; break;
        }
        return format("{st_mode=%s|%#o, st_size=%lld, ...}", type, st.value().mode & 07777,
            static_cast<long long>(st.value().size));
    }
    if (kind == "clock")
        return value < std::size(clock_names) ? clock_names[value] : format("%d", static_cast<int>(value));
    return hex(value);
}

std::string format_result(const char* name, long result)
{
    if (result < 0 && result > -4096) {
        auto error = static_cast<Errno>(-result);
        return format("-1 %s (", errno_name(error)) + errno_message(error) + ")";
    }
    std::string_view view = name;
    if (view == "mmap" || view == "brk")
        return hex(static_cast<u64>(result));
    return format("%ld", result);
}

} // namespace

bool configure_strace(bool is_on, const std::string& filter, bool is_timed, bool is_recording, std::string& bad_word)
{
    g_is_strace_on = is_on;
    g_is_strace_timed = is_timed;
    g_is_recording = is_recording;
    g_selected.set();
    if (filter.empty() || filter == "all")
        return true;
    g_selected.reset();
    std::string_view rest = filter;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view word = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view {} : rest.substr(comma + 1);
        if (word.starts_with("%"))
            word.remove_prefix(1);
        if (word == "file")
            select_class(file_class);
        else if (word == "process")
            select_class(process_class);
        else if (word == "memory")
            select_class(memory_class);
        else if (word == "signal")
            select_class(signal_class);
        else if (word == "desc")
            select_class(desc_class);
        else if (!select_name(word)) {
            bad_word = std::string(word);
            return false;
        }
    }
    return true;
}

bool is_strace_on() { return g_is_strace_on; }
bool is_recording_syscalls() { return g_is_recording; }

void record_syscall(i32 tid, u64 number, const SyscallEntry* entry, const SyscallArgs& args, long result)
{
    const char* name = entry ? entry->name : syscall_name(number);
    usize arity = 6;
    if (entry)
        arity = std::string_view(entry->trace_args).empty() ? 0 : std::count(entry->trace_args, entry->trace_args + std::string_view(entry->trace_args).size(), ',') + 1;
    std::string line = std::to_string(tid) + " " + (name ? std::string(name) : "syscall_" + std::to_string(number)) + "(";
    for (usize i = 0; i < arity; ++i)
        line += (i ? "," : "") + hex(args[i]);
    line += ") = " + std::to_string(result) + "\n";
    frame::record_write(line);
}

std::array<std::string, 6> trace_inputs(Context& ctx, u64 number, const SyscallEntry* entry, const SyscallArgs& args)
{
    std::array<std::string, 6> inputs;
    if (!entry || number >= g_selected.size() || !g_selected.test(number))
        return inputs;
    std::string_view kinds = entry->trace_args;
    for (usize index = 0; !kinds.empty() && index < 6; ++index) {
        auto comma = kinds.find(',');
        std::string_view kind = kinds.substr(0, comma);
        if (kind == "s" || kind.starts_with("bi"))
            inputs[index] = format_arg(ctx, kind, args, index, 0);
        kinds = comma == std::string_view::npos ? std::string_view {} : kinds.substr(comma + 1);
    }
    return inputs;
}

void trace_syscall(Context& ctx, u64 number, const SyscallEntry* entry, const SyscallArgs& args,
    const std::array<std::string, 6>& inputs, long result)
{
    if (number >= g_selected.size() || !g_selected.test(number))
        return;
    const char* name = entry ? entry->name : syscall_name(number);
    std::string line;
    if (g_is_strace_timed) {
        u64 ns = ProcessTable::uptime_ns();
        line = format("%5llu.%06llu ", static_cast<unsigned long long>(ns / 1'000'000'000),
            static_cast<unsigned long long>(ns % 1'000'000'000 / 1000));
    }
    line += format("[pid %d] ", ctx.thread().tid());
    line += name ? std::string(name) : format("syscall_%#" PRIx64, number);
    line += '(';
    if (entry) {
        std::string_view kinds = entry->trace_args;
        for (usize index = 0; !kinds.empty(); ++index) {
            auto comma = kinds.find(',');
            if (index)
                line += ", ";
            line += inputs[index].empty() ? format_arg(ctx, kinds.substr(0, comma), args, index, result) : inputs[index];
            kinds = comma == std::string_view::npos ? std::string_view {} : kinds.substr(comma + 1);
        }
    } else {
        for (usize index = 0; index < 6; ++index)
            line += (index ? ", " : "") + hex(args[index]);
    }
    line += ") = ";
    line += ctx.thread().is_exiting ? "?" : format_result(name ? name : "", result);
    line += '\n';
    frame::trace_write(line);
}

void trace_process_end(i32 pid, int wait_status)
{
    std::string line;
    if ((wait_status & 0x7f) == 0) {
        line = format("[pid %d] +++ exited with %d +++\n", pid, (wait_status >> 8) & 0xff);
    } else {
        const char* name = signal_name(wait_status & 0x7f);
        line = format("[pid %d] +++ killed by %s", pid, name ? name : "?");
        line += (wait_status & 0x80) ? " (core dumped) +++\n" : " +++\n";
    }
    frame::trace_write(line);
}

} // namespace asterix::services
