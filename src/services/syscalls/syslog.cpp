// syslog(2) (kernel/printk/printk.c, do_syslog): reads and clears the kernel's own log, the
// frame's ring of log lines. READ consumes lines for one reader (what /proc/kmsg and klogd
// use), READ_ALL shows the newest lines without consuming them, CLEAR hides what came before
// from READ_ALL. The console actions only keep the levels /proc/sys/kernel/printk shows:
// hosted, the log sink is chosen on the command line.

#include <algorithm>
#include <cinttypes>

#include "frame/bytes.h"
#include "frame/format.h"
#include "frame/user_io.h"
#include "frame/task.h"
#include "services/abi/syslog.h"
#include "services/kernel_log.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

struct SyslogState {
    bool is_restricted {false};
    u64 read_seq {0}; ///< the next line READ returns
    usize read_partial {0}; ///< bytes of that line READ already returned
    u64 clear_seq {0}; ///< the first line READ_ALL shows
    int console_level {abi::console_loglevel_default};
    int saved_console_level {-1};
};

SyslogState& state()
{
    static SyslogState syslog_state;
    return syslog_state;
}

int linux_level(frame::LogLevel level)
{
    switch (level) {
    case frame::LogLevel::error:
        return abi::loglevel_err;
    case frame::LogLevel::warn:
        return abi::loglevel_warning;
    case frame::LogLevel::info:
        return abi::loglevel_info;
    default:
        return abi::loglevel_debug;
    }
}

/// Linux's check_syslog_permissions: without dmesg_restrict anyone may read the whole log and
/// its size; everything else needs CAP_SYSLOG (CAP_SYS_ADMIN is still accepted, as Linux
/// does with a warning).
bool is_allowed(Context& ctx, int action)
{
    bool is_restricted = state().is_restricted || (action != abi::syslog_action_read_all && action != abi::syslog_action_size_buffer);
    if (!is_restricted)
        return true;
    const auto& creds = ctx.thread().credentials();
    return creds.has_capability(abi::Capability::syslog) || creds.has_capability(abi::Capability::sys_admin);
}

/// Brings a reader's position forward when the ring dropped the lines it points at.
void skip_dropped(u64& seq, usize* partial)
{
    if (seq < frame::kernel_log_first_seq()) {
        seq = frame::kernel_log_first_seq();
        if (partial)
            *partial = 0;
    }
}

Result<long> read_consuming(Context& ctx, u64 buf, int len)
{
    SyslogState& s = state();
    for (;;) {
        skip_dropped(s.read_seq, &s.read_partial);
        if (s.read_seq < frame::kernel_log_next_seq())
            break;
        TRY(wait_interruptible(frame::kernel_log_waiters(), ~0ull, "syslog"));
    }
    auto writer = TRY(frame::UserWriter::create(ctx.user(), buf, static_cast<u64>(len)));
    // Whole records while they fit; a record longer than the whole buffer goes out in pieces
    // (Linux's syslog_partial), so a small buffer still makes progress.
    while (writer.remaining() > 0 && s.read_seq < frame::kernel_log_next_seq()) {
        auto line = frame::kernel_log_line(s.read_seq);
        if (!line)
            break;
        std::string text = kernel_log::record_text(*line).substr(s.read_partial);
        if (text.size() > writer.remaining() && writer.written() > 0)
            break;
        usize n = TRY(writer.write(text_bytes(text).first(std::min<usize>(text.size(), writer.remaining()))));
        if (n < text.size()) {
            s.read_partial += n;
            break;
        }
        ++s.read_seq;
        s.read_partial = 0;
    }
    return static_cast<long>(writer.written());
}

/// READ_ALL: the newest whole records since the last CLEAR that fit in `len` bytes.
Result<long> read_all(Context& ctx, u64 buf, int len, bool is_clearing)
{
    SyslogState& s = state();
    skip_dropped(s.clear_seq, nullptr);
    u64 end = frame::kernel_log_next_seq();
    u64 first = end;
    usize total = 0;
    while (first > s.clear_seq) {
        auto line = frame::kernel_log_line(first - 1);
        if (!line)
            break;
        usize size = kernel_log::record_text(*line).size();
        if (total + size > static_cast<usize>(len))
            break;
        total += size;
        --first;
    }
    auto writer = TRY(frame::UserWriter::create(ctx.user(), buf, static_cast<u64>(len)));
    for (u64 seq = first; seq < end; ++seq) {
        auto line = frame::kernel_log_line(seq);
        if (!line)
            continue;
        std::string text = kernel_log::record_text(*line);
        TRY(writer.write(text_bytes(text)));
    }
    if (is_clearing)
        s.clear_seq = end;
    return static_cast<long>(writer.written());
}

long unread_bytes()
{
    SyslogState& s = state();
    skip_dropped(s.read_seq, &s.read_partial);
    usize total = 0;
    for (u64 seq = s.read_seq; seq < frame::kernel_log_next_seq(); ++seq) {
        if (auto line = frame::kernel_log_line(seq))
            total += kernel_log::record_text(*line).size();
    }
    return static_cast<long>(total - std::min(total, s.read_partial));
}

} // namespace

bool kernel_log::is_restricted() { return state().is_restricted; }
void kernel_log::set_restricted(bool is_restricted) { state().is_restricted = is_restricted; }

std::string kernel_log::printk_levels_text()
{
    return frame::format("%d\t%d\t%d\t%d\n", state().console_level, abi::default_message_loglevel, abi::console_loglevel_min,
        abi::console_loglevel_default);
}

std::string kernel_log::record_text(const frame::KernelLogLine& line)
{
    return frame::format("<%d>[%5" PRIu64 ".%06" PRIu64 "] ", linux_level(line.level), line.time_ns / 1'000'000'000,
               line.time_ns % 1'000'000'000 / 1000)
        + line.text + "\n";
}

Result<long> sys_syslog(Context& ctx, int action, UserPtr<char> buf, int len)
{
    if (!is_allowed(ctx, action))
        return Errno::eperm;
    SyslogState& s = state();
    switch (action) {
    case abi::syslog_action_close:
    case abi::syslog_action_open:
        return 0;
    case abi::syslog_action_read:
    case abi::syslog_action_read_all:
    case abi::syslog_action_read_clear:
        if (!buf.addr() || len < 0)
            return Errno::einval;
        if (len == 0)
            return 0;
        if (action == abi::syslog_action_read)
            return read_consuming(ctx, buf.addr(), len);
        return read_all(ctx, buf.addr(), len, action == abi::syslog_action_read_clear);
    case abi::syslog_action_clear:
        s.clear_seq = frame::kernel_log_next_seq();
        return 0;
    case abi::syslog_action_console_off:
        if (s.saved_console_level == -1) {
            s.saved_console_level = s.console_level;
            s.console_level = abi::console_loglevel_min;
        }
        return 0;
    case abi::syslog_action_console_on:
        if (s.saved_console_level != -1) {
            s.console_level = s.saved_console_level;
            s.saved_console_level = -1;
        }
        return 0;
    case abi::syslog_action_console_level:
        if (len < 1 || len > 8)
            return Errno::einval;
        s.console_level = std::max(len, abi::console_loglevel_min);
        s.saved_console_level = -1;
        return 0;
    case abi::syslog_action_size_unread:
        return unread_bytes();
    case abi::syslog_action_size_buffer:
        return static_cast<long>(frame::kernel_log_capacity_bytes());
    default:
        return Errno::einval;
    }
}

} // namespace asterix::services
