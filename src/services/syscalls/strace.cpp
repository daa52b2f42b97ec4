#include "services/syscalls/strace.h"

#include <algorithm>
#include <bitset>
#include <map>
#include <cinttypes>
#include <string>
#include <string_view>
#include <vector>

#include "frame/bytes.h"
#include "frame/clock.h"
#include "frame/format.h"
#include "frame/log.h"
#include "services/abi/eventpoll.h"
#include "services/abi/fcntl.h"
#include "services/abi/resource.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/strace_calls.h"
#include "services/syscalls/strace_flags.h"
#include "services/syscalls/strace_format.h"
#include "services/syscalls/syscall_names.h"

namespace asterix::services {

namespace {

bool g_is_strace_on = false;
bool g_is_strace_timed = false;
bool g_is_recording = false;
bool g_is_summary = false;
/// How many bytes of a string or buffer a line shows (strace's -s, 32 by default).
usize g_string_limit_bytes = strace::max_string_bytes;

/// --strace-summary's counts for one syscall number.
struct SyscallCounts {
    u64 calls {0};
    u64 errors {0};
    u64 total_ns {0};
};
std::map<u64, SyscallCounts>& summary_counts()
{
    static std::map<u64, SyscallCounts> counts;
    return counts;
}
/// When each thread's current syscall started (a syscall may block and let others run).
std::map<i32, u64>& call_starts()
{
    static std::map<i32, u64> starts;
    return starts;
}
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

constexpr const char* network_class[] = {"socket", "connect", "accept", "sendto", "recvfrom", "sendmsg", "recvmsg",
    "shutdown", "bind", "listen", "getsockname", "getpeername", "socketpair", "setsockopt", "getsockopt", "accept4",
    "recvmmsg", "sendmmsg"};
constexpr const char* ipc_class[] = {"shmget", "shmat", "shmctl", "semget", "semop", "semctl", "shmdt", "msgget",
    "msgsnd", "msgrcv", "msgctl", "semtimedop"};

template<usize N>
consteval bool are_syscall_names(const char* const (&names)[N])
{
    for (const char* name : names) {
        if (!is_linux_syscall_name(name))
            return false;
    }
    return true;
}

static_assert(are_syscall_names(file_class) && are_syscall_names(process_class) && are_syscall_names(memory_class)
        && are_syscall_names(signal_class) && are_syscall_names(desc_class) && are_syscall_names(network_class)
        && are_syscall_names(ipc_class),
    "--strace: a syscall class names a syscall Linux does not have");

bool is_selected(u64 number) { return number < g_selected.size() && g_selected.test(number); }

bool select_name(std::string_view name, bool is_selected = true)
{
    bool found = false;
    for (u64 number = 0; number < g_selected.size(); ++number) {
        const char* known = syscall_name(number);
        if (known && name == known) {
            g_selected.set(number, is_selected);
            found = true;
        }
    }
    return found;
}

template<usize N>
void select_class(const char* const (&names)[N], bool is_selected)
{
    for (const char* name : names)
        select_name(name, is_selected);
}

/// One word of a trace= set: a name or a class (with or without strace's %), selected or, after
/// a "!", left out. False for a word that names neither.
bool select_word(std::string_view word, bool is_selected)
{
    if (word.starts_with("%"))
        word.remove_prefix(1);
    if (word == "file")
        select_class(file_class, is_selected);
    else if (word == "process")
        select_class(process_class, is_selected);
    else if (word == "memory")
        select_class(memory_class, is_selected);
    else if (word == "signal")
        select_class(signal_class, is_selected);
    else if (word == "desc")
        select_class(desc_class, is_selected);
    else if (word == "network" || word == "net")
        select_class(network_class, is_selected);
    else if (word == "ipc")
        select_class(ipc_class, is_selected);
    else
        return select_name(word, is_selected);
    return true;
}
std::string quoted_buffer(Context& ctx, u64 addr, u64 len)
{
    usize shown = std::min<u64>(len, g_string_limit_bytes);
    std::vector<u8> bytes(shown);
    if (ctx.user().read_bytes(addr, bytes).is_error())
        return strace::hex(addr);
    return strace::quoted(bytes, len > shown);
}

/// An array of group ids as strace prints it ("[0, 27]", "[]"), up to strace's 32 elements;
/// the address when it cannot be read.
std::string gid_array(Context& ctx, u64 addr, u64 count)
{
    constexpr u64 max_shown = 32;
    if (addr == 0)
        return "NULL";
    std::string out = "[";
    for (u64 index = 0; index < count && index < max_shown; ++index) {
        auto gid = ctx.user().read(UserPtr<u32>(addr + index * sizeof(u32)));
        if (gid.is_error())
            return strace::hex(addr);
        out += (index ? ", " : "") + std::to_string(gid.value());
    }
    return out + (count > max_shown ? ", ...]" : "]");
}

/// struct epoll_event as strace prints it: {events=EPOLLIN, data={u32=3, u64=3}}.
std::string epoll_event_text(const abi::EpollEvent& event)
{
    return "{events=" + strace::flags_text(event.events, strace::epoll_event_set)
        + frame::format(", data={u32=%u, u64=%llu}}", event.data_low, static_cast<unsigned long long>(event.data()));
}

/// The events epoll_wait filled, `count` of them (strace's 32 at most), or the address when they
/// cannot be read.
std::string epoll_events_text(Context& ctx, u64 addr, u64 count)
{
    constexpr u64 max_shown = 32;
    std::string out = "[";
    for (u64 index = 0; index < count && index < max_shown; ++index) {
        auto event = ctx.user().read(UserPtr<abi::EpollEvent>(addr + index * sizeof(abi::EpollEvent)));
        if (event.is_error())
            return strace::hex(addr);
        out += (index ? ", " : "") + epoll_event_text(event.value());
    }
    return out + (count > max_shown ? ", ...]" : "]");
}

/// A string argument; strace's -s limit applies to data, never to a path name.
std::string quoted_string(Context& ctx, u64 addr, bool is_path)
{
    if (addr == 0)
        return "NULL";
    auto text = ctx.user().read_cstring(addr, 4096);
    if (text.is_error())
        return strace::hex(addr);
    std::string_view view = text.value();
    usize shown = is_path ? view.size() : std::min(view.size(), g_string_limit_bytes);
    return strace::quoted(text_bytes(view).first(shown), view.size() > shown);
}

/// execve's argv as strace shows it: ["ls", "-l"], cut after 32 strings as strace's default.
std::string string_array_text(Context& ctx, u64 addr)
{
    if (addr == 0)
        return "NULL";
    constexpr usize max_shown = 32;
    std::string out = "[";
    for (usize index = 0;; ++index) {
        auto entry = ctx.user().read(UserPtr<u64>(addr + index * sizeof(u64)));
        if (entry.is_error())
            return strace::hex(addr);
        if (entry.value() == 0)
            break;
        if (index == max_shown) {
            out += ", ...";
            break;
        }
        out += (index ? ", " : "") + quoted_string(ctx, entry.value(), false);
    }
    return out + "]";
}

/// An environment as strace shows it by default: the address and the number of variables.
std::string env_array_text(Context& ctx, u64 addr)
{
    if (addr == 0)
        return "NULL";
    constexpr usize max_counted = 4096;
    usize count = 0;
    for (; count < max_counted; ++count) {
        auto entry = ctx.user().read(UserPtr<u64>(addr + count * sizeof(u64)));
        if (entry.is_error())
            return strace::hex(addr);
        if (entry.value() == 0)
            break;
    }
    return frame::format("%s /* %zu var%s */", strace::hex(addr).c_str(), count, count == 1 ? "" : "s");
}

/// A wait status as strace decodes it: [{WIFEXITED(s) && WEXITSTATUS(s) == 0}].
std::string wait_status_text(int status)
{
    if ((status & 0x7f) == 0)
        return frame::format("[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", (status >> 8) & 0xff);
    if ((status & 0xff) == 0x7f) {
        const char* name = signal_name((status >> 8) & 0xff);
        return frame::format("[{WIFSTOPPED(s) && WSTOPSIG(s) == %s}]", name ? name : "?");
    }
    if (status == 0xffff)
        return "[{WIFCONTINUED(s)}]";
    const char* name = signal_name(status & 0x7f);
    return frame::format("[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]", name ? name : "?",
        (status & 0x80) ? " && WCOREDUMP(s)" : "");
}

/// A signal set as strace shows it: [HUP INT], or ~[KILL STOP] when more than half is set.
std::string sigset_text(u64 mask)
{
    // A loop, not std::popcount: the bare-metal runtime has no __popcountdi2.
    int count = 0;
    for (u64 bits = mask; bits; bits &= bits - 1)
        ++count;
    bool is_inverted = count > 32;
    if (is_inverted)
        mask = ~mask;
    std::string out = is_inverted ? "~[" : "[";
    bool is_first = true;
    for (int sig = 1; sig <= 64; ++sig) {
        if (!(mask & (1ull << (sig - 1))))
            continue;
        std::string name;
        if (sig == 32)
            name = "RTMIN";
        else if (sig > 32)
            name = "RT_" + std::to_string(sig - 32);
        else if (const char* known = signal_name(sig))
            name = std::string_view(known).substr(3);
        else
            name = std::to_string(sig);
        out += (is_first ? "" : " ") + name;
        is_first = false;
    }
    return out + "]";
}

std::string sigaction_text(const abi::KSigAction& action)
{
    std::string handler = action.handler == 0 ? "SIG_DFL" : action.handler == 1 ? "SIG_IGN" : strace::hex(action.handler);
    std::string out = "{sa_handler=" + handler + ", sa_mask=" + sigset_text(action.mask)
        + ", sa_flags=" + strace::flags_text(action.flags, strace::sigaction_flag_set);
    if (action.flags & 0x04000000)
        out += ", sa_restorer=" + strace::hex(action.restorer);
    return out + "}";
}

/// An rlimit value as strace shows it: RLIM64_INFINITY, N*1024, or N.
std::string rlimit_value_text(u64 value)
{
    if (value == ~0ull)
        return "RLIM64_INFINITY";
    if (value && value % 1024 == 0)
        return frame::format("%llu*1024", static_cast<unsigned long long>(value / 1024));
    return frame::format("%llu", static_cast<unsigned long long>(value));
}

/// A struct the call reads (before it runs) or fills (when it succeeded), decoded by `show`.
template<typename T, typename Show>
std::string struct_text(Context& ctx, u64 addr, bool is_filled, Show show)
{
    if (addr == 0)
        return "NULL";
    if (!is_filled)
        return strace::hex(addr);
    auto value = ctx.user().read(UserPtr<T>(addr));
    return value.is_error() ? strace::hex(addr) : show(value.value());
}

/// A socket address as strace shows it: {sa_family=AF_UNIX, sun_path="/run/x"} or
/// {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}.
std::string sockaddr_text(Context& ctx, u64 addr, u64 len)
{
    constexpr u64 max_len = 128;
    if (addr == 0)
        return "NULL";
    if (len < 2 || len > max_len)
        return strace::hex(addr);
    std::vector<u8> bytes(len);
    if (ctx.user().read_bytes(addr, bytes).is_error())
        return strace::hex(addr);
    u32 family = bytes[0] | (u32 {bytes[1]} << 8);
    std::string family_name = strace::value_text(family, strace::address_family_set);
    if (family == 1) {
        std::span<const u8> path = std::span<const u8>(bytes).subspan(2);
        bool is_abstract = !path.empty() && path[0] == 0;
        if (is_abstract)
            path = path.subspan(1);
        usize end = 0;
        while (end < path.size() && path[end] != 0)
            ++end;
        return "{sa_family=AF_UNIX, sun_path=" + std::string(is_abstract ? "@" : "") + strace::quoted(path.first(end), false) + "}";
    }
    if (family == 2 && len >= 8) {
        return frame::format("{sa_family=AF_INET, sin_port=htons(%u), sin_addr=inet_addr(\"%u.%u.%u.%u\")}",
            (u32 {bytes[2]} << 8) | bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
    }
    return "{sa_family=" + family_name + ", ...}";
}

/// An argument that may need guest memory, rendered before the call runs (`result` unknown)
/// or after it.
std::string arg_text(Context& ctx, const strace::ArgSpec& spec, const SyscallArgs& args, usize index, long result)
{
    using strace::ArgKind;
    u64 value = args[index];
    switch (spec.kind) {
    case ArgKind::path: return quoted_string(ctx, value, true);
    case ArgKind::string: return quoted_string(ctx, value, false);
    case ArgKind::input_buffer: return quoted_buffer(ctx, value, args[spec.length_arg]);
    case ArgKind::output_buffer:
        return result >= 0 ? quoted_buffer(ctx, value, static_cast<u64>(result)) : strace::hex(value);
    case ArgKind::stat_out: {
        if (result != 0)
            return strace::hex(value);
        auto stat = ctx.user().read(UserPtr<abi::Stat>(value));
        return stat.is_error() ? strace::hex(value) : strace::stat_text(stat.value());
    }
    case ArgKind::sigaction_in:
    case ArgKind::sigaction_out:
        return struct_text<abi::KSigAction>(ctx, value, spec.kind == ArgKind::sigaction_in || result == 0, sigaction_text);
    case ArgKind::sigset_in:
    case ArgKind::sigset_out:
        return struct_text<u64>(ctx, value, spec.kind == ArgKind::sigset_in || result == 0, sigset_text);
    case ArgKind::rlimit_in:
    case ArgKind::rlimit_out:
        return struct_text<abi::Rlimit>(ctx, value, spec.kind == ArgKind::rlimit_in || result == 0, [](const abi::Rlimit& limit) {
            return "{rlim_cur=" + rlimit_value_text(limit.cur) + ", rlim_max=" + rlimit_value_text(limit.max) + "}";
        });
    case ArgKind::sockaddr_in: return sockaddr_text(ctx, value, args[spec.length_arg]);
    case ArgKind::socket_protocol: return strace::socket_protocol_text(args[spec.length_arg], value);
    case ArgKind::gid_array_in: return gid_array(ctx, value, static_cast<u32>(args[spec.length_arg]));
    case ArgKind::epoll_event_in: {
        if (value == 0)
            return "NULL";
        auto event = ctx.user().read(UserPtr<abi::EpollEvent>(value));
        return event.is_error() ? strace::hex(value) : epoll_event_text(event.value());
    }
    case ArgKind::epoll_events_out: return result >= 0 ? epoll_events_text(ctx, value, static_cast<u64>(result)) : strace::hex(value);
    case ArgKind::gid_array_out: return result >= 0 ? gid_array(ctx, value, static_cast<u64>(result)) : strace::hex(value);
    case ArgKind::statx_out: return struct_text<abi::Statx>(ctx, value, result == 0, strace::statx_text);
    case ArgKind::utsname_out: return struct_text<abi::Utsname>(ctx, value, result == 0, strace::utsname_text);
    case ArgKind::sysinfo_out: return struct_text<abi::SysInfo>(ctx, value, result == 0, strace::sysinfo_text);
    case ArgKind::string_out: return result > 0 ? quoted_string(ctx, value, true) : strace::hex(value);
    case ArgKind::string_array: return string_array_text(ctx, value);
    case ArgKind::env_array: return env_array_text(ctx, value);
    case ArgKind::wait_status_out: {
        if (result <= 0 || value == 0)
            return value ? strace::hex(value) : "NULL";
        auto status = ctx.user().read(UserPtr<i32>(value));
        return status.is_error() ? strace::hex(value) : wait_status_text(status.value());
    }
    case ArgKind::fd_pair_out: {
        if (result != 0)
            return strace::hex(value);
        auto fds = ctx.user().read(UserPtr<std::array<i32, 2>>(value));
        return fds.is_error() ? strace::hex(value) : frame::format("[%d, %d]", fds.value()[0], fds.value()[1]);
    }
    default: return strace::scalar_text(spec, value);
    }
}

/// Whether an open mode follows flags that use it (strace leaves it out otherwise).
bool is_mode_shown(const SyscallArgs& args, usize mode_index)
{
    // O_TMPFILE includes O_DIRECTORY's bit; its own is 020000000.
    constexpr u64 tmpfile_bit = abi::o_tmpfile & ~u64 {abi::o_directory};
    return mode_index > 0 && (args[mode_index - 1] & (abi::o_creat | tmpfile_bit)) != 0;
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
    // As strace's -e trace=: a set that starts with a negation ("!read") is everything but it.
    if (!filter.starts_with("!"))
        g_selected.reset();
    std::string_view rest = filter;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view word = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view {} : rest.substr(comma + 1);
        bool is_negated = word.starts_with("!");
        if (is_negated)
            word.remove_prefix(1);
        if (!select_word(word, !is_negated)) {
            bad_word = std::string(word);
            return false;
        }
    }
    return true;
}

bool is_strace_on() { return g_is_strace_on || g_is_summary; }

void set_strace_summary(bool is_on) { g_is_summary = is_on; }
void set_strace_string_limit(usize bytes) { g_string_limit_bytes = bytes; }

void report_strace_summary()
{
    if (!g_is_summary)
        return;
    struct Row {
        std::string name;
        SyscallCounts counts;
    };
    std::vector<Row> rows;
    SyscallCounts total;
    for (const auto& [number, counts] : summary_counts()) {
        const char* name = syscall_name(number);
        rows.push_back({name ? name : "syscall_" + std::to_string(number), counts});
        total.calls += counts.calls;
        total.errors += counts.errors;
        total.total_ns += counts.total_ns;
    }
    // strace -c's order: most time first, then most calls, then by name.
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        if (a.counts.total_ns != b.counts.total_ns)
            return a.counts.total_ns > b.counts.total_ns;
        if (a.counts.calls != b.counts.calls)
            return a.counts.calls > b.counts.calls;
        return a.name < b.name;
    });
    constexpr const char* rule = "------ ----------- ----------- --------- --------- ----------------\n";
    std::string out = "% time     seconds  usecs/call     calls    errors syscall\n";
    out += rule;
    auto row_text = [&](const std::string& name, const SyscallCounts& counts) {
        // Percentages in tenths of a hundredth, without floating point (services build without it).
        u64 share = total.total_ns ? counts.total_ns * 10000 / total.total_ns : 0;
        u64 usecs_per_call = counts.calls ? counts.total_ns / 1000 / counts.calls : 0;
        std::string errors = counts.errors ? std::to_string(counts.errors) : "";
        return frame::format("%3llu.%02llu %4llu.%06llu %11llu %9llu %9s %s\n", static_cast<unsigned long long>(share / 100),
            static_cast<unsigned long long>(share % 100), static_cast<unsigned long long>(counts.total_ns / 1'000'000'000),
            static_cast<unsigned long long>(counts.total_ns / 1000 % 1'000'000), static_cast<unsigned long long>(usecs_per_call),
            static_cast<unsigned long long>(counts.calls), errors.c_str(), name.c_str());
    };
    for (const auto& row : rows)
        out += row_text(row.name, row.counts);
    out += rule;
    out += row_text("total", total);
    frame::trace_write(out);
}
bool is_recording_syscalls() { return g_is_recording; }

namespace {
/// Each process's record lines, kept until the instance ends and then written in pid order,
/// so that two runs compare process by process whatever the order the processes ended in.
struct PendingRecord {
    std::string lines;
    bool has_ended {false};
};

std::map<i32, PendingRecord>& pending_records()
{
    static std::map<i32, PendingRecord> records;
    return records;
}

/// Bytes and ended processes held back at most: past either, the ended processes' records are
/// written at once (in pid order still), so a long run does not hold its whole record.
constexpr usize max_held_bytes = 16 << 20;
constexpr usize max_held_ended = 4096;
usize g_held_bytes = 0;
usize g_held_ended = 0;

void write_record(i32 pid, PendingRecord& record)
{
    g_held_bytes -= record.lines.size();
    if (record.lines.empty())
        return;
    frame::record_write(frame::format("# pid %d\n", pid));
    frame::record_write(record.lines);
    record.lines.clear();
}

/// Writes and forgets the ended processes' records, lowest pid first.
void write_ended_records()
{
    auto& records = pending_records();
    for (auto it = records.begin(); it != records.end();) {
        if (!it->second.has_ended) {
            ++it;
            continue;
        }
        write_record(it->first, it->second);
        it = records.erase(it);
    }
    g_held_ended = 0;
}

/// One argument of a record: no guest address (they differ from run to run with ASLR-like
/// placement and heap state), everything else as --strace names it.
std::string record_arg(const strace::ArgSpec* spec, u64 value)
{
    using strace::ArgKind;
    constexpr u64 smallest_address = 0x10000;
    if (!spec)
        return value >= smallest_address ? "*" : strace::hex(value);
    switch (spec->kind) {
    case ArgKind::integer:
    case ArgKind::long_integer:
    case ArgKind::unsigned_integer:
    case ArgKind::octal:
    case ArgKind::fd:
    case ArgKind::dirfd:
    case ArgKind::flag_set:
    case ArgKind::named_value:
    case ArgKind::open_flags:
    case ArgKind::open_mode:
    case ArgKind::clone_flags:
    case ArgKind::signal:
    case ArgKind::statx_flags:
    case ArgKind::socket_type:
    case ArgKind::socket_protocol: return strace::scalar_text(*spec, value);
    case ArgKind::hex: return value >= smallest_address ? "*" : strace::hex(value);
    default: return value ? "*" : "NULL";
    }
}
} // namespace

void record_syscall(i32 pid, i32 tid, u64 number, const SyscallEntry* entry, const SyscallArgs& args, long result)
{
    const char* name = entry ? entry->name : syscall_name(number);
    const auto* description = strace::describe_syscall(number);
    usize arity = description ? description->args.size() : strace::max_syscall_args;
    std::string line = std::to_string(tid) + " " + (name ? std::string(name) : "syscall_" + std::to_string(number)) + "(";
    for (usize i = 0; i < arity; ++i)
        line += (i ? "," : "") + record_arg(description ? &description->args[i] : nullptr, args[i]);
    bool is_address = description && description->result == strace::ResultKind::address && !(result < 0 && result > -4096);
    line += ") = " + (is_address ? std::string("*") : std::to_string(result)) + "\n";
    // A process's exit_group is recorded after the process ended: it joins the same record.
    auto& record = pending_records()[pid];
    record.lines += line;
    g_held_bytes += line.size();
    if (g_held_bytes > max_held_bytes) {
        write_ended_records();
        // A long-lived process writes its record in pieces rather than holding it all.
        if (g_held_bytes > max_held_bytes)
            write_record(pid, record);
    }
}

void flush_process_record(i32 pid)
{
    auto it = pending_records().find(pid);
    if (it == pending_records().end() || it->second.has_ended)
        return;
    it->second.has_ended = true;
    // A pid comes round again only after millions of others: well before, the ended records
    // are written, so a new process never joins an old one's record.
    if (++g_held_ended > max_held_ended)
        write_ended_records();
}

void flush_all_records()
{
    for (auto& [pid, record] : pending_records())
        write_record(pid, record);
    pending_records().clear();
    g_held_bytes = 0;
    g_held_ended = 0;
}

std::array<std::string, 6> trace_inputs(Context& ctx, u64 number, const SyscallEntry* entry, const SyscallArgs& args)
{
    std::array<std::string, 6> inputs;
    if (g_is_summary) {
        call_starts()[ctx.thread().tid()] = frame::monotonic_ns();
        return inputs;
    }
    const auto* description = strace::describe_syscall(number);
    if (!description || !is_selected(number))
        return inputs;
    for (usize index = 0; index < description->args.size(); ++index) {
        const auto& spec = description->args[index];
        if (strace::is_read_before_call(spec))
            inputs[index] = arg_text(ctx, spec, args, index, 0);
    }
    return inputs;
}

void trace_syscall(Context& ctx, u64 number, const SyscallEntry* entry, const SyscallArgs& args,
    const std::array<std::string, 6>& inputs, long result)
{
    if (!is_selected(number))
        return;
    if (g_is_summary) {
        auto& counts = summary_counts()[number];
        ++counts.calls;
        if (result < 0 && result > -4096)
            ++counts.errors;
        auto start = call_starts().find(ctx.thread().tid());
        if (start != call_starts().end()) {
            counts.total_ns += frame::monotonic_ns() - start->second;
            call_starts().erase(start);
        }
        return;
    }
    const char* name = entry ? entry->name : syscall_name(number);
    const auto* description = strace::describe_syscall(number);
    std::string line;
    if (g_is_strace_timed) {
        u64 ns = ProcessTable::uptime_ns();
        line = frame::format("%5llu.%06llu ", static_cast<unsigned long long>(ns / 1'000'000'000),
            static_cast<unsigned long long>(ns % 1'000'000'000 / 1000));
    }
    line += frame::format("[pid %d] ", ctx.thread().tid());
    line += name ? std::string(name) : frame::format("syscall_%#" PRIx64, number);
    line += '(';
    strace::CallText call;
    if (description && description->layout != strace::CallLayout::arguments) {
        call = strace::call_text(ctx, description->layout, args, result, g_string_limit_bytes);
        line += call.args;
    } else if (description) {
        for (usize index = 0; index < description->args.size(); ++index) {
            const auto& spec = description->args[index];
            if (spec.kind == strace::ArgKind::open_mode && !is_mode_shown(args, index))
                continue;
            if (index)
                line += ", ";
            line += inputs[index].empty() ? arg_text(ctx, spec, args, index, result) : inputs[index];
        }
    } else {
        for (usize index = 0; index < strace::max_syscall_args; ++index)
            line += (index ? ", " : "") + strace::hex(args[index]);
    }
    line += ") = ";
    if (ctx.thread().is_exiting())
        line += "?";
    else if (call.is_result_hex && result >= 0)
        line += strace::hex(static_cast<u64>(result));
    else
        line += strace::result_text(description, result);
    if (!call.result_note.empty() && !ctx.thread().is_exiting())
        line += " (" + call.result_note + ")";
    line += '\n';
    frame::trace_write_process(ctx.process().pid(), line);
}

void trace_first_exec(i32 tid, const std::string& path, const std::vector<std::string>& argv, usize env_count, u64 envp_addr)
{
    constexpr u64 execve_number = 59;
    if (g_is_summary && is_selected(execve_number))
        ++summary_counts()[execve_number].calls;
    if (!g_is_strace_on || g_is_summary || !is_selected(execve_number))
        return;
    std::string line;
    if (g_is_strace_timed) {
        u64 ns = ProcessTable::uptime_ns();
        line = frame::format("%5llu.%06llu ", static_cast<unsigned long long>(ns / 1'000'000'000),
            static_cast<unsigned long long>(ns % 1'000'000'000 / 1000));
    }
    line += frame::format("[pid %d] execve(", tid);
    line += strace::quoted(text_bytes(path), false) + ", [";
    for (usize index = 0; index < argv.size(); ++index) {
        std::string_view arg = argv[index];
        usize shown = std::min(arg.size(), g_string_limit_bytes);
        line += (index ? ", " : "") + strace::quoted(text_bytes(arg).first(shown), arg.size() > shown);
    }
    line += frame::format("], %s /* %zu var%s */) = 0\n", strace::hex(envp_addr).c_str(), env_count, env_count == 1 ? "" : "s");
    frame::trace_write_process(tid, line);
}

namespace {
std::string signal_code_text(const abi::SigInfo& info)
{
    switch (info.code) {
    case abi::si_user: return "SI_USER";
    case abi::si_kernel: return "SI_KERNEL";
    case abi::si_queue: return "SI_QUEUE";
    case abi::si_tkill: return "SI_TKILL";
    default: break;
    }
    if (info.signo == abi::sigchld) {
        constexpr const char* names[] = {nullptr, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"};
        if (info.code > 0 && info.code < static_cast<int>(std::size(names)))
            return names[info.code];
    }
    if (info.signo == abi::sigsegv && (info.code == abi::segv_maperr || info.code == abi::segv_accerr))
        return info.code == abi::segv_maperr ? "SEGV_MAPERR" : "SEGV_ACCERR";
    if (info.signo == abi::sigbus && info.code == abi::bus_adrerr)
        return "BUS_ADRERR";
    return std::to_string(info.code);
}

std::string signal_name_text(int sig) { return strace::signal_text(sig); }
} // namespace

void trace_signal(i32 pid, i32 tid, const abi::SigInfo& info)
{
    if (!g_is_strace_on || g_is_summary)
        return;
    std::string sig = signal_name_text(info.signo);
    std::string line = frame::format("[pid %d] --- %s {si_signo=%s, si_code=%s", tid, sig.c_str(), sig.c_str(),
        signal_code_text(info).c_str());
    auto sender_pid = static_cast<i32>(info.fields[0] & 0xffffffff);
    auto uid = static_cast<u32>(info.fields[0] >> 32);
    bool is_fault = info.code > 0 && info.code != abi::si_kernel
        && (info.signo == abi::sigsegv || info.signo == abi::sigbus || info.signo == abi::sigfpe || info.signo == abi::sigill
            || info.signo == abi::sigtrap);
    if (info.signo == abi::sigchld && info.code > 0) {
        auto status = static_cast<i32>(info.fields[1] & 0xffffffff);
        std::string status_text = info.code == abi::cld_exited ? std::to_string(status) : signal_name_text(status);
        line += frame::format(", si_pid=%d, si_uid=%u, si_status=%s, si_utime=%llu, si_stime=%llu", sender_pid, uid,
            status_text.c_str(), static_cast<unsigned long long>(info.fields[2]), static_cast<unsigned long long>(info.fields[3]));
    } else if (is_fault) {
        line += ", si_addr=" + (info.fields[0] ? strace::hex(info.fields[0]) : std::string("NULL"));
    } else if (info.code == abi::si_queue) {
        auto value = static_cast<i32>(info.fields[1] & 0xffffffff);
        line += frame::format(", si_pid=%d, si_uid=%u, si_int=%d, si_ptr=%s", sender_pid, uid, value, strace::hex(info.fields[1]).c_str());
    } else if (info.code <= 0) {
        line += frame::format(", si_pid=%d, si_uid=%u", sender_pid, uid);
    }
    line += "} ---\n";
    frame::trace_write_process(pid, line);
}

void trace_process_end(i32 pid, int wait_status)
{
    if (g_is_summary)
        return;
    std::string line;
    if ((wait_status & 0x7f) == 0) {
        line = frame::format("[pid %d] +++ exited with %d +++\n", pid, (wait_status >> 8) & 0xff);
    } else {
        const char* name = signal_name(wait_status & 0x7f);
        line = frame::format("[pid %d] +++ killed by %s", pid, name ? name : "?");
        line += (wait_status & 0x80) ? " (core dumped) +++\n" : " +++\n";
    }
    frame::trace_write_process(pid, line);
}

} // namespace asterix::services
