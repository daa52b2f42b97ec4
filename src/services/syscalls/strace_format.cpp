#include "services/syscalls/strace_format.h"

#include <cinttypes>

#include "frame/errno.h"
#include "frame/format.h"
#include "services/process/signals.h"
#include "services/syscalls/strace_calls.h"
#include "services/syscalls/strace_flags.h"

namespace asterix::services::strace {

namespace {

std::string decimal_int(u64 value) { return frame::format("%d", static_cast<int>(value)); }

/// Joins the names with '|'; an empty text stays empty so that callers can add a prefix.
void append_flag(std::string& out, std::string_view name)
{
    if (!out.empty())
        out += '|';
    out += name;
}

std::string flag_names_or_empty(u64 value, const FlagSet& set)
{
    std::string out;
    for (const auto& flag : set.names) {
        // A name may stand for several bits (STATX_BASIC_STATS): it is shown when all are set.
        if (flag.bit != 0 && (value & flag.bit) == flag.bit) {
            append_flag(out, flag.name);
            value &= ~flag.bit;
        }
    }
    if (value)
        append_flag(out, hex(value));
    return out;
}

} // namespace

std::string hex(u64 value) { return frame::format("%#" PRIx64, value); }

std::string flags_text(u64 value, const FlagSet& set)
{
    std::string out = flag_names_or_empty(value, set);
    return out.empty() ? std::string(set.zero) : out;
}

std::string value_text(u64 value, const ValueSet& set)
{
    for (const auto& named : set.names) {
        if (named.value == value)
            return std::string(named.name);
    }
    return decimal_int(value);
}

std::string open_flags_text(u64 value)
{
    u64 mode = value & open_access_mode_mask;
    std::string out = mode == 0 ? "O_RDONLY" : mode == 1 ? "O_WRONLY" : mode == 2 ? "O_RDWR" : hex(mode);
    std::string rest = flag_names_or_empty(value & ~open_access_mode_mask, open_flag_set);
    if (!rest.empty())
        out += "|" + rest;
    return out;
}

std::string clone_flags_text(u64 value)
{
    std::string out = flag_names_or_empty(value & ~clone_signal_mask, clone_flag_set);
    if (value & clone_signal_mask) {
        const char* name = signal_name(static_cast<int>(value & clone_signal_mask));
        append_flag(out, name ? name : "?");
    }
    return out.empty() ? "0" : out;
}

std::string signal_text(int signal)
{
    // strace names the real-time signals by their distance from the first, as in signal sets.
    constexpr int first_realtime = 32;
    constexpr int last_realtime = 64;
    if (signal == first_realtime)
        return "SIGRTMIN";
    if (signal > first_realtime && signal <= last_realtime)
        return frame::format("SIGRT_%d", signal - first_realtime);
    const char* name = signal_name(signal);
    return name ? name : frame::format("%d", signal);
}

std::string quoted(std::span<const u8> shown, bool is_cut)
{
    std::string out = "\"";
    for (u8 c : shown) {
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
                out += frame::format("\\%o", c);
        }
    }
    out += '"';
    if (is_cut)
        out += "...";
    return out;
}

std::string stat_text(const abi::Stat& stat)
{
    const char* type = "S_IFREG";
    switch (stat.mode & 0170000) {
    case 0040000: type = "S_IFDIR"; break;
    case 0120000: type = "S_IFLNK"; break;
    case 0020000: type = "S_IFCHR"; break;
    case 0060000: type = "S_IFBLK"; break;
    case 0010000: type = "S_IFIFO"; break;
    case 0140000: type = "S_IFSOCK"; break;
    }
    // Devices show their number instead of a size, as strace does.
    if ((stat.mode & 0170000) == 0020000 || (stat.mode & 0170000) == 0060000) {
        u64 major = ((stat.rdev >> 8) & 0xfff) | ((stat.rdev >> 32) & ~0xfffull);
        u64 minor = (stat.rdev & 0xff) | ((stat.rdev >> 12) & ~0xffull);
        return frame::format("{st_mode=%s|%#o, st_rdev=makedev(%#llx, %#llx), ...}", type,
            static_cast<unsigned>(stat.mode & 07777), static_cast<unsigned long long>(major),
            static_cast<unsigned long long>(minor));
    }
    return frame::format("{st_mode=%s|%#o, st_size=%lld, ...}", type, static_cast<unsigned>(stat.mode & 07777),
        static_cast<long long>(stat.size));
}

std::string socket_type_text(u64 value)
{
    constexpr ValueName types[] = {{1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"}, {4, "SOCK_RDM"},
        {5, "SOCK_SEQPACKET"}, {6, "SOCK_DCCP"}, {10, "SOCK_PACKET"}};
    constexpr FlagName flags[] = {{02000000, "SOCK_CLOEXEC"}, {04000, "SOCK_NONBLOCK"}};
    constexpr u64 type_mask = 0xf;
    std::string out = value_text(value & type_mask, ValueSet {types});
    u64 rest = value & ~type_mask;
    if (rest)
        out += "|" + flags_text(rest, FlagSet {flags, ""});
    return out;
}

std::string socket_protocol_text(u64 family, u64 protocol)
{
    constexpr u64 af_inet = 2, af_inet6 = 10, af_netlink = 16;
    constexpr ValueName ip_protocols[] = {{0, "IPPROTO_IP"}, {1, "IPPROTO_ICMP"}, {2, "IPPROTO_IGMP"},
        {6, "IPPROTO_TCP"}, {17, "IPPROTO_UDP"}, {41, "IPPROTO_IPV6"}, {58, "IPPROTO_ICMPV6"},
        {132, "IPPROTO_SCTP"}, {136, "IPPROTO_UDPLITE"}, {255, "IPPROTO_RAW"}, {262, "IPPROTO_MPTCP"}};
    constexpr ValueName netlink_protocols[] = {{0, "NETLINK_ROUTE"}, {4, "NETLINK_SOCK_DIAG"},
        {9, "NETLINK_AUDIT"}, {15, "NETLINK_KOBJECT_UEVENT"}, {16, "NETLINK_GENERIC"}};
    if (family == af_inet || family == af_inet6)
        return value_text(protocol, ValueSet {ip_protocols});
    if (family == af_netlink)
        return value_text(protocol, ValueSet {netlink_protocols});
    return decimal_int(protocol);
}

std::string scalar_text(const ArgSpec& spec, u64 value)
{
    switch (spec.kind) {
    case ArgKind::integer:
    case ArgKind::fd: return decimal_int(value);
    case ArgKind::dirfd: return static_cast<int>(value) == abi::at_fdcwd ? "AT_FDCWD" : decimal_int(value);
    case ArgKind::long_integer: return frame::format("%" PRId64, static_cast<i64>(value));
    case ArgKind::unsigned_integer: return frame::format("%" PRIu64, value);
    case ArgKind::octal: return frame::format("%#" PRIo64, value);
    case ArgKind::pointer: return value ? hex(value) : "NULL";
    case ArgKind::flag_set: return flags_text(value, *spec.flags);
    case ArgKind::named_value: return value_text(value, *spec.values);
    case ArgKind::open_flags: return open_flags_text(value);
    case ArgKind::clone_flags: return clone_flags_text(value);
    case ArgKind::signal: return signal_text(static_cast<int>(value));
    case ArgKind::hex:
    case ArgKind::path:
    case ArgKind::string:
    case ArgKind::input_buffer:
    case ArgKind::output_buffer:
    case ArgKind::stat_out:
    case ArgKind::string_array:
    case ArgKind::env_array:
    case ArgKind::wait_status_out:
    case ArgKind::fd_pair_out:
    case ArgKind::sigaction_in:
    case ArgKind::sigaction_out:
    case ArgKind::sigset_in:
    case ArgKind::sigset_out:
    case ArgKind::rlimit_in:
    case ArgKind::rlimit_out:
    case ArgKind::string_out:
    case ArgKind::sockaddr_in: return hex(value);
    case ArgKind::socket_type: return socket_type_text(value);
    case ArgKind::socket_protocol: return decimal_int(value);
    case ArgKind::gid_array_in:
    case ArgKind::gid_array_out:
    case ArgKind::epoll_event_in:
    case ArgKind::epoll_events_out: return hex(value);
    case ArgKind::statx_flags: return statx_flags_text(value);
    case ArgKind::statx_out:
    case ArgKind::utsname_out:
    case ArgKind::sysinfo_out: return hex(value);
    case ArgKind::open_mode: return frame::format("%#" PRIo64, value);
    }
    return hex(value);
}

std::string result_text(const SyscallDescription* description, long result)
{
    if (result < 0 && result > -4096) {
        auto error = static_cast<Errno>(-result);
        return frame::format("-1 %s (%s)", errno_name(error), errno_message(error));
    }
    if (description && description->result == ResultKind::address)
        return hex(static_cast<u64>(result));
    return frame::format("%ld", result);
}

} // namespace asterix::services::strace
