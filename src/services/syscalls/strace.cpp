#include "services/syscalls/strace.h"

#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "frame/bytes.h"
#include "frame/log.h"
#include "services/process/signals.h"
#include "services/syscalls/syscall_names.h"

namespace asterix::services {

namespace {

bool g_is_strace_on = false;
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

void set_strace_on(bool is_on) { g_is_strace_on = is_on; }
bool is_strace_on() { return g_is_strace_on; }

void trace_syscall(Context& ctx, u64 number, const SyscallEntry* entry, const SyscallArgs& args, long result)
{
    const char* name = entry ? entry->name : syscall_name(number);
    std::string line = format("[pid %d] ", ctx.thread().tid());
    line += name ? std::string(name) : format("syscall_%#" PRIx64, number);
    line += '(';
    if (entry) {
        std::string_view kinds = entry->trace_args;
        for (usize index = 0; !kinds.empty(); ++index) {
            auto comma = kinds.find(',');
            if (index)
                line += ", ";
            line += format_arg(ctx, kinds.substr(0, comma), args, index, result);
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
