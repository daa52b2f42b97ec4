#include "services/syscalls/strace_calls.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <string_view>
#include <vector>

#include "frame/bytes.h"
#include "frame/format.h"
#include "services/abi/futex.h"
#include "services/abi/ioctls.h"
#include "services/abi/poll.h"
#include "services/abi/prctl.h"
#include "services/abi/sched.h"
#include "services/process/signals.h"
#include "services/syscalls/strace_flags.h"
#include "services/syscalls/strace_format.h"

namespace asterix::services::strace {

namespace {

std::string unsigned_text(u64 value) { return frame::format("%" PRIu64, value); }

/// strace's printaddr: NULL for 0, else the address in hex.
std::string address_text(u64 value) { return value ? hex(value) : "NULL"; }

/// A fixed-size char array of a struct, up to its NUL, quoted.
template<usize N>
std::string array_string(const std::array<char, N>& chars)
{
    std::string_view text(chars.data(), chars.size());
    return quoted(text_bytes(text.substr(0, text.find('\0'))), false);
}

/// "S_IFREG|0644": the file type by name, then the permission bits in octal.
std::string mode_text(u32 mode)
{
    constexpr ValueName types[] = {{0140000, "S_IFSOCK"}, {0120000, "S_IFLNK"}, {0100000, "S_IFREG"},
        {0060000, "S_IFBLK"}, {0040000, "S_IFDIR"}, {0020000, "S_IFCHR"}, {0010000, "S_IFIFO"}};
    return value_text(mode & 0170000, ValueSet {types}) + frame::format("|%#o", mode & 07777);
}

/// strace's printnum_int: "[N]" read from guest memory, or the address when it cannot be read.
std::string int_at(Context& ctx, u64 addr)
{
    if (addr == 0)
        return "NULL";
    auto value = ctx.user().read(UserPtr<i32>(addr));
    return value.is_error() ? hex(addr) : frame::format("[%d]", value.value());
}

/// A NUL-terminated string of at most `max_bytes`, "..." after it when longer (prctl's names).
std::string bounded_string(Context& ctx, u64 addr, usize max_bytes)
{
    if (addr == 0)
        return "NULL";
    auto text = ctx.user().read_cstring(addr, max_bytes + 1);
    if (text.is_error())
        return hex(addr);
    std::string_view view = text.value();
    usize shown = std::min(view.size(), max_bytes);
    return quoted(text_bytes(view).first(shown), view.size() > shown);
}

/// The arguments strace prints in hex after those it decodes (print_prctl_args).
std::string hex_args_from(const SyscallArgs& args, usize first)
{
    constexpr usize prctl_arg_count = 5;
    std::string out;
    for (usize index = first; index < prctl_arg_count; ++index)
        out += ", " + hex(args[index]);
    return out;
}

CallText prctl_text(Context& ctx, const SyscallArgs& args, long result, usize string_limit_bytes)
{
    int option = static_cast<int>(args[0]);
    u64 arg2 = args[1];
    bool is_ok = !(result < 0 && result > -4096);
    CallText text;
    std::string name = value_text(static_cast<u32>(option), prctl_option_set);
    if (name == frame::format("%d", option))
        name = hex(static_cast<u32>(option)) + " /* PR_??? */";
    text.args = name;
    switch (option) {
    case 7:  // PR_GET_KEEPCAPS
    case 13: // PR_GET_TIMING
    case 21: // PR_GET_SECCOMP
    case abi::pr_get_timerslack:
    case 31: // PR_TASK_PERF_EVENTS_DISABLE
    case 32: // PR_TASK_PERF_EVENTS_ENABLE
        break;
    case abi::pr_get_dumpable:
        if (is_ok)
            text.result_note = value_text(static_cast<u64>(result), dumpable_set);
        break;
    case abi::pr_get_securebits:
        if (is_ok && result != 0)
            text.result_note = flags_text(static_cast<u64>(result), securebit_set);
        break;
    case abi::pr_get_child_subreaper:
    case 9:  // PR_GET_FPEMU
    case 11: // PR_GET_FPEXC
    case 19: // PR_GET_ENDIAN
        text.args += ", " + (is_ok ? int_at(ctx, arg2) : hex(arg2));
        break;
    case abi::pr_get_name:
        text.args += ", " + (is_ok ? bounded_string(ctx, arg2, abi::task_comm_len - 1) : address_text(arg2));
        break;
    case abi::pr_get_pdeathsig: {
        auto signal = ctx.user().read(UserPtr<i32>(arg2));
        text.args += ", " + (is_ok && !signal.is_error() ? "[" + signal_text(signal.value()) + "]" : address_text(arg2));
        break;
    }
    case abi::pr_set_child_subreaper:
    case abi::pr_set_keepcaps:
    case 10: // PR_SET_FPEMU
    case 12: // PR_SET_FPEXC
    case 14: // PR_SET_TIMING
    case 20: // PR_SET_ENDIAN
        text.args += ", " + unsigned_text(arg2);
        break;
    case abi::pr_set_dumpable:
        text.args += ", " + value_text(arg2, dumpable_set);
        break;
    case abi::pr_capbset_read:
    case abi::pr_capbset_drop:
        text.args += ", " + value_text(arg2, capability_set);
        break;
    case abi::pr_cap_ambient:
        text.args += ", " + value_text(arg2, cap_ambient_op_set);
        if (arg2 == abi::pr_cap_ambient_raise || arg2 == abi::pr_cap_ambient_lower || arg2 == abi::pr_cap_ambient_is_set)
            text.args += ", " + value_text(args[2], capability_set);
        else
            text.args += hex_args_from(args, 2);
        break;
    case abi::pr_set_name:
        text.args += ", " + bounded_string(ctx, arg2, std::min(string_limit_bytes, abi::task_comm_len - 1));
        break;
    case abi::pr_set_pdeathsig:
        text.args += ", " + (arg2 > 128 ? unsigned_text(arg2) : signal_text(static_cast<int>(arg2)));
        break;
    case abi::pr_set_securebits:
        text.args += ", " + flags_text(arg2, securebit_set);
        break;
    case abi::pr_set_timerslack:
        text.args += ", " + frame::format("%" PRId64, static_cast<i64>(arg2));
        break;
    case abi::pr_set_no_new_privs:
    case 41: // PR_SET_THP_DISABLE
        text.args += ", " + unsigned_text(arg2) + hex_args_from(args, 2);
        break;
    default: text.args += hex_args_from(args, 1); break;
    }
    return text;
}

/// clone(2) as strace names its arguments; x86-64 passes flags, stack, parent_tid, child_tid, tls.
CallText clone_text(Context& ctx, const SyscallArgs& args, long result)
{
    u64 flags = args[0] & ~clone_signal_mask;
    CallText text;
    text.args = "child_stack=" + address_text(args[1]) + ", flags=" + clone_flags_text(args[0]);
    if (flags & (abi::clone_parent_settid | abi::clone_pidfd)) {
        bool is_ok = !(result < 0 && result > -4096);
        if (flags & abi::clone_parent_settid)
            text.args += ", parent_tid=" + (is_ok ? int_at(ctx, args[2]) : hex(args[2]));
        else
            text.args += ", pidfd=" + (is_ok ? int_at(ctx, args[2]) : hex(args[2]));
    }
    if (flags & abi::clone_settls)
        text.args += ", tls=" + address_text(args[4]);
    if (flags & (abi::clone_child_settid | abi::clone_child_cleartid))
        text.args += ", child_tidptr=" + address_text(args[3]);
    return text;
}

/// clone3(2): its struct before the call, " => {parent_tid=[N]}" for what the call wrote back.
CallText clone3_text(Context& ctx, const SyscallArgs& args, long result)
{
    u64 addr = args[0];
    u64 size = args[1];
    CallText text;
    auto read = ctx.user().read(UserPtr<abi::CloneArgs>(addr));
    if (size < abi::clone_args_size_ver0 || read.is_error()) {
        text.args = address_text(addr) + ", " + unsigned_text(size);
        return text;
    }
    abi::CloneArgs clone = read.value();
    // Only the fields the caller passed count: a shorter struct ends before set_tid.
    if (size < sizeof(abi::CloneArgs)) {
        constexpr u64 set_tid_offset = 64;
        constexpr u64 cgroup_offset = 80;
        if (size <= set_tid_offset)
            clone.set_tid = clone.set_tid_size = 0;
        if (size <= cgroup_offset)
            clone.cgroup = 0;
    }
    std::string out = "{flags=" + flags_text(clone.flags, clone_flag_set);
    if (clone.flags == 0)
        out = "{flags=0";
    if (clone.flags & abi::clone_pidfd)
        out += ", pidfd=" + address_text(clone.pidfd);
    if (clone.flags & (abi::clone_child_settid | abi::clone_child_cleartid))
        out += ", child_tid=" + address_text(clone.child_tid);
    if (clone.flags & abi::clone_parent_settid)
        out += ", parent_tid=" + address_text(clone.parent_tid);
    out += ", exit_signal=" + (clone.exit_signal < 0x7fffffff ? signal_text(static_cast<int>(clone.exit_signal)) : unsigned_text(clone.exit_signal));
    out += ", stack=" + address_text(clone.stack) + ", stack_size=" + hex(clone.stack_size);
    if (clone.flags & abi::clone_settls)
        out += ", tls=" + address_text(clone.tls);
    if (clone.set_tid || clone.set_tid_size)
        out += ", set_tid=" + address_text(clone.set_tid) + ", set_tid_size=" + unsigned_text(clone.set_tid_size);
    if (clone.cgroup || (clone.flags & abi::clone_into_cgroup))
        out += ", cgroup=" + unsigned_text(clone.cgroup);
    out += "}";
    bool is_ok = !(result < 0 && result > -4096);
    if (is_ok && (clone.flags & (abi::clone_pidfd | abi::clone_parent_settid))) {
        std::string back;
        if (clone.flags & abi::clone_pidfd)
            back += "pidfd=" + int_at(ctx, clone.pidfd);
        if (clone.flags & abi::clone_parent_settid)
            back += (back.empty() ? "" : ", ") + std::string("parent_tid=") + int_at(ctx, clone.parent_tid);
        out += " => {" + back + "}";
    }
    text.args = out + ", " + unsigned_text(size);
    return text;
}

/// A relative timeout as strace prints a struct timespec: {tv_sec=1, tv_nsec=0}.
std::string timespec_at(Context& ctx, u64 addr)
{
    if (addr == 0)
        return "NULL";
    auto time = ctx.user().read(UserPtr<std::array<i64, 2>>(addr));
    return time.is_error() ? hex(addr) : frame::format("{tv_sec=%" PRId64 ", tv_nsec=%" PRId64 "}", time.value()[0], time.value()[1]);
}

/// futex(2) by operation: x86-64 passes uaddr, op, val, timeout (or val2), uaddr2, val3.
CallText futex_text(Context& ctx, const SyscallArgs& args)
{
    constexpr u32 bitset_match_any = 0xffffffff;
    u64 op = args[1];
    u64 command = op & ~u64 {abi::futex_private_flag | abi::futex_clock_realtime};
    u32 val = static_cast<u32>(args[2]);
    auto bitset = [](u64 value) {
        return static_cast<u32>(value) == bitset_match_any ? std::string("FUTEX_BITSET_MATCH_ANY") : hex(static_cast<u32>(value));
    };
    CallText text;
    std::string op_name = value_text(op, futex_op_set);
    text.args = address_text(args[0]) + ", " + op_name + frame::format(", %u", val);
    switch (command) {
    case 0: // FUTEX_WAIT
        text.args += ", " + timespec_at(ctx, args[3]);
        break;
    case 1:  // FUTEX_WAKE
    case 2:  // FUTEX_FD
        break;
    case 3: // FUTEX_REQUEUE
        text.args += frame::format(", %u, ", static_cast<u32>(args[3])) + address_text(args[4]);
        break;
    case 4:  // FUTEX_CMP_REQUEUE
    case 12: // FUTEX_CMP_REQUEUE_PI
        text.args += frame::format(", %u, ", static_cast<u32>(args[3])) + address_text(args[4])
            + frame::format(", %u", static_cast<u32>(args[5]));
        break;
    case 6:  // FUTEX_LOCK_PI
    case 13: // FUTEX_LOCK_PI2
        text.args = address_text(args[0]) + ", " + op_name + ", " + timespec_at(ctx, args[3]);
        break;
    case 7: // FUTEX_UNLOCK_PI
    case 8: // FUTEX_TRYLOCK_PI
        text.args = address_text(args[0]) + ", " + op_name;
        break;
    case 9: // FUTEX_WAIT_BITSET
        text.args += ", " + timespec_at(ctx, args[3]) + ", " + bitset(args[5]);
        break;
    case 10: // FUTEX_WAKE_BITSET
        text.args += ", " + bitset(args[5]);
        break;
    case 11: // FUTEX_WAIT_REQUEUE_PI
        text.args += ", " + timespec_at(ctx, args[3]) + ", " + address_text(args[4]);
        break;
    default:
        text.args += ", " + hex(args[3]) + ", " + hex(args[4]) + ", " + hex(static_cast<u32>(args[5]));
        break;
    }
    return text;
}

/// fcntl(2) by command, with the notes strace adds to F_GETFD's, F_GETFL's and F_GET_SEALS's
/// results. Locks (struct flock) are shown by address.
CallText fcntl_text(const SyscallArgs& args, long result)
{
    int command = static_cast<int>(args[1]);
    u64 arg = args[2];
    bool is_ok = !(result < 0 && result > -4096);
    CallText text;
    text.args = frame::format("%d, ", static_cast<int>(args[0])) + value_text(static_cast<u32>(command), fcntl_command_set);
    if (text.args.ends_with(frame::format(" %d", command)) && command != 0)
        text.args = frame::format("%d, %#x /* F_??? */", static_cast<int>(args[0]), static_cast<u32>(command));
    switch (command) {
    case abi::f_setfd: text.args += ", " + flags_text(arg, fd_flag_set); break;
    case 8: // F_SETOWN
    case abi::f_setpipe_sz:
    case abi::f_dupfd:
    case abi::f_dupfd_cloexec: text.args += frame::format(", %d", static_cast<int>(arg)); break;
    case abi::f_setfl: text.args += ", " + open_flags_text(arg); break;
    case 1024: text.args += ", " + value_text(arg, lease_set); break; // F_SETLEASE
    case abi::f_add_seals: text.args += ", " + flags_text(arg, seal_set); break;
    case 10: text.args += ", " + signal_text(static_cast<int>(arg)); break; // F_SETSIG
    case 9: // F_GETOWN
    case abi::f_getpipe_sz: break;
    case abi::f_getfd:
        if (is_ok && result != 0) {
            text.result_note = "flags " + flags_text(static_cast<u64>(result), fd_flag_set);
            text.is_result_hex = true;
        }
        break;
    case abi::f_getfl:
        if (is_ok) {
            text.result_note = "flags " + open_flags_text(static_cast<u64>(result));
            text.is_result_hex = true;
        }
        break;
    case 1025: // F_GETLEASE
        if (is_ok) {
            text.result_note = value_text(static_cast<u64>(result), lease_set);
            text.is_result_hex = true;
        }
        break;
    case abi::f_get_seals:
        if (is_ok && result != 0) {
            text.result_note = "seals " + flags_text(static_cast<u64>(result), seal_set);
            text.is_result_hex = true;
        }
        break;
    case 11: // F_GETSIG
        if (is_ok && result != 0)
            text.result_note = signal_text(static_cast<int>(result));
        break;
    default: text.args += ", " + hex(arg); break;
    }
    return text;
}

} // namespace

std::string statx_flags_text(u64 value)
{
    std::string out = value_text(value & statx_sync_type_mask, statx_sync_type_set);
    if (value & statx_sync_type_mask && out == frame::format("%d", static_cast<int>(value & statx_sync_type_mask)))
        out = hex(value & statx_sync_type_mask);
    u64 rest = value & ~statx_sync_type_mask;
    if (rest)
        out += "|" + flags_text(rest, at_flag_set);
    return out;
}

std::string statx_text(const abi::Statx& statx)
{
    return "{stx_mask=" + flags_text(statx.mask, statx_mask_set) + ", stx_attributes=" + flags_text(statx.attributes, statx_attribute_set)
        + ", stx_mode=" + mode_text(statx.mode) + ", stx_size=" + unsigned_text(statx.size) + ", ...}";
}

std::string utsname_text(const abi::Utsname& names)
{
    return "{sysname=" + array_string(names.sysname) + ", nodename=" + array_string(names.nodename) + ", ...}";
}

std::string sysinfo_text(const abi::SysInfo& info)
{
    return frame::format("{uptime=%" PRId64 ", loads=[%" PRIu64 ", %" PRIu64 ", %" PRIu64 "], totalram=%" PRIu64 ", freeram=%" PRIu64
                         ", sharedram=%" PRIu64 ", bufferram=%" PRIu64 ", totalswap=%" PRIu64 ", freeswap=%" PRIu64
                         ", procs=%u, totalhigh=%" PRIu64 ", freehigh=%" PRIu64 ", mem_unit=%u}",
        info.uptime, info.loads[0], info.loads[1], info.loads[2], info.totalram, info.freeram, info.sharedram, info.bufferram,
        info.totalswap, info.freeswap, static_cast<unsigned>(info.procs), info.totalhigh, info.freehigh, info.mem_unit);
}

/// poll(2): the fds with the events asked for, and after a positive result those with events,
/// as strace prints them: `poll([{fd=3, events=POLLIN}], 1, 0) = 1 ([{fd=3, revents=POLLIN}])`.
CallText poll_text(Context& ctx, const SyscallArgs& args, long result)
{
    // strace's default for arrays: 32 elements, then "...".
    constexpr usize max_shown = 32;
    u64 count = args[1];
    CallText text;
    std::string asked = "[";
    std::string ready = "[";
    bool is_readable = true;
    usize ready_count = 0;
    for (u64 index = 0; index < count && index < max_shown; ++index) {
        auto entry = ctx.user().read(UserPtr<abi::PollFd>(args[0] + index * sizeof(abi::PollFd)));
        if (entry.is_error()) {
            is_readable = false;
            break;
        }
        const abi::PollFd& fd = entry.value();
        asked += index ? ", " : "";
        asked += frame::format("{fd=%d", fd.fd);
        if (fd.fd >= 0)
            asked += ", events=" + flags_text(static_cast<u16>(fd.events), poll_event_set);
        asked += "}";
        if (fd.revents != 0) {
            ready += ready_count++ ? ", " : "";
            ready += frame::format("{fd=%d, revents=", fd.fd) + flags_text(static_cast<u16>(fd.revents), poll_event_set) + "}";
        }
    }
    if (count > max_shown && is_readable)
        asked += ", ...";
    asked += "]";
    ready += "]";
    text.args = (is_readable && args[0] ? asked : address_text(args[0])) + ", " + unsigned_text(static_cast<u32>(count))
        + frame::format(", %d", static_cast<int>(args[2]));
    if (result == 0)
        text.result_note = "Timeout";
    else if (result > 0 && is_readable)
        text.result_note = ready;
    return text;
}

/// An ioctl request by name, or as strace spells one it does not know: its _IOC fields
/// (direction, type, number, size), e.g. `_IOC(_IOC_READ, 0x54, 0x30, 0x4)`.
std::string ioctl_request_text(u32 request)
{
    for (const auto& known : ioctl_request_set.names) {
        if (known.value == request)
            return std::string(known.name);
    }
    constexpr std::array<const char*, 4> directions {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"};
    u32 size = (request >> 16) & 0x3fff;
    return frame::format("_IOC(%s, %#x, %#x, %#x)", directions[request >> 30], (request >> 8) & 0xff, request & 0xff, size);
}

/// ioctl(2): the request by name, and its argument as strace decodes the requests it knows: an
/// int the call reads or fills ("[2]"), a struct winsize; else the argument in hex.
CallText ioctl_text(Context& ctx, const SyscallArgs& args, long result)
{
    auto request = static_cast<u32>(args[1]);
    u64 arg = args[2];
    bool is_ok = result == 0;
    std::string arg_text = hex(arg);
    switch (request) {
    case abi::tiocgpgrp:
    case abi::tiocoutq:
    case abi::fionread:
    case abi::tiocgsid:
    case abi::tiocgptn:
        if (is_ok)
            arg_text = int_at(ctx, arg);
        break;
    case abi::tiocspgrp:
    case abi::fionbio:
    case abi::fioasync:
    case abi::tiocsptlck: arg_text = int_at(ctx, arg); break;
    case abi::tiocgwinsz:
    case abi::tiocswinsz: {
        if (request == abi::tiocgwinsz && !is_ok)
            break;
        auto size = ctx.user().read(UserPtr<std::array<u16, 4>>(arg));
        if (!size.is_error())
            arg_text = frame::format("{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", size.value()[0], size.value()[1],
                size.value()[2], size.value()[3]);
        break;
    }
    default: break;
    }
    CallText text;
    text.args = frame::format("%d, ", static_cast<int>(args[0])) + ioctl_request_text(request) + ", " + arg_text;
    return text;
}

CallText call_text(Context& ctx, CallLayout layout, const SyscallArgs& args, long result, usize string_limit_bytes)
{
    switch (layout) {
    case CallLayout::prctl: return prctl_text(ctx, args, result, string_limit_bytes);
    case CallLayout::clone: return clone_text(ctx, args, result);
    case CallLayout::clone3: return clone3_text(ctx, args, result);
    case CallLayout::futex: return futex_text(ctx, args);
    case CallLayout::fcntl: return fcntl_text(args, result);
    case CallLayout::poll: return poll_text(ctx, args, result);
    case CallLayout::ioctl: return ioctl_text(ctx, args, result);
    case CallLayout::arguments: break;
    }
    return {};
}

} // namespace asterix::services::strace
