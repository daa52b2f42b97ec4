#include "services/fs/console_file.h"

#include <map>
#include <vector>

#include "frame/clock.h"
#include "frame/console.h"
#include "services/fs/terminal.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/context.h"

namespace asterix::services {

namespace {
constexpr usize chunk_bytes = 64 * 1024;

// ioctl requests on terminals (asm-generic/ioctls.h).
constexpr u32 tcgets = 0x5401;
constexpr u32 tcsets = 0x5402;
constexpr u32 tcsetsw = 0x5403;
constexpr u32 tcsetsf = 0x5404;
constexpr u32 tiocsctty = 0x540e;
constexpr u32 tiocgpgrp = 0x540f;
constexpr u32 tiocspgrp = 0x5410;
constexpr u32 tiocnotty = 0x5422;
constexpr u32 tiocgsid = 0x5429;
constexpr u32 tiocgwinsz = 0x5413;
constexpr u32 tiocswinsz = 0x5414;
constexpr u32 poll_in = 0x001;
constexpr u32 poll_out = 0x004;

/// Reads through the line discipline of a raw console line (bare metal): a line, or in raw mode
/// as VMIN and VTIME say (termios(3)): VTIME is a timer for the whole read when VMIN is 0, else
/// one that starts with the first byte and restarts with each.
Result<usize> read_line_discipline(frame::UserWriter& out)
{
    auto& line = console_line_discipline();
    usize wanted = std::min<u64>(out.remaining(), chunk_bytes);
    take_console_input();
    u64 timeout = line.read_timeout_ns();
    u64 deadline = timeout && !line.is_inter_byte_timer() ? frame::monotonic_ns() + timeout : ~0ull;
    usize seen = 0;
    while (!line.is_readable(wanted)) {
        if (timeout && line.is_inter_byte_timer() && line.bytes_ready() != seen) {
            seen = line.bytes_ready();
            deadline = frame::monotonic_ns() + timeout;
        }
        auto waited = wait_interruptible(console_readers(), deadline, "console read");
        if (waited.is_error() && waited.error() == Errno::etimedout)
            break; // what has come, maybe nothing
        if (waited.is_error())
            return waited.error();
        take_console_input();
    }
    std::vector<u8> buffer(wanted);
    usize n = line.read(buffer);
    return TRY(out.write(std::span(buffer).first(n)));
}
} // namespace

Result<usize> ConsoleFile::read(frame::UserWriter& out)
{
    if (out.remaining() == 0)
        return 0;
    TRY(check_foreground_read());
    if (frame::console::is_raw_line())
        return read_line_discipline(out);
    std::vector<u8> buffer(std::min<u64>(out.remaining(), chunk_bytes));
    usize n = TRY(frame::console::read(m_stream, buffer));
    return TRY(out.write(std::span(buffer).first(n)));
}

Result<usize> ConsoleFile::write(frame::UserReader& in)
{
    std::vector<u8> buffer(std::min<u64>(in.remaining(), chunk_bytes));
    usize total = 0;
    while (in.remaining() > 0) {
        auto got = in.read(buffer);
        if (got.is_error()) {
            if (total > 0)
                break;
            return got.error();
        }
        auto span = std::span<const u8>(buffer).first(got.value());
        if (frame::console::is_raw_line()) {
            // Stopped by ^S until ^Q; then the line discipline's output processing (ONLCR),
            // and the line takes all of it.
            while (console_line_discipline().is_output_stopped()) {
                auto waited = wait_interruptible(console_writers(), ~0ull, "console output stopped");
                if (waited.is_error())
                    return total > 0 ? Result<usize>(total) : waited.error();
                take_console_input();
            }
            std::vector<u8> processed;
            console_line_discipline().process_output(span, processed);
            TRY(frame::console::write(m_stream, processed));
            total += span.size();
            continue;
        }
        while (!span.empty()) {
            auto written = frame::console::write(m_stream, span);
            if (written.is_error())
                return total > 0 ? Result<usize>(total) : written.error();
            total += written.value();
            span = span.subspan(written.value());
        }
    }
    return total;
}

Result<frame::FileStat> ConsoleFile::stat() { return frame::console::stat(m_stream); }

Result<i64> ConsoleFile::seek(i64 offset, Whence whence)
{
    return frame::console::seek(m_stream, offset, static_cast<int>(whence));
}

Result<void> ConsoleFile::check_foreground_read()
{
    // Job control: a background process group reading its controlling terminal gets SIGTTIN
    // (or EIO when it ignores or blocks it, or its group is orphaned), as Linux's tty layer does.
    if (!frame::console::is_terminal(m_stream))
        return {};
    Thread* thread = ProcessTable::current_thread();
    const Terminal& terminal = console_terminal();
    if (!thread || terminal.session == 0 || thread->process().sid != terminal.session
        || thread->process().pgid == terminal.foreground_pgrp)
        return {};
    Process& process = thread->process();
    if (is_ignored(process, sigttin) || (thread->sig_mask & sig_bit(sigttin)))
        return Errno::eio;
    for (auto& [pid, member] : std::map<i32, Process*>(ProcessTable::all())) {
        if (member->pgid == process.pgid && !member->has_exited)
            send_signal(*member, make_signal_info(sigttin, si_kernel));
    }
    return Errno::erestartsys;
}

Result<int> ConsoleFile::bytes_ready()
{
    if (!frame::console::is_raw_line())
        return frame::console::bytes_ready(m_stream);
    take_console_input();
    return static_cast<int>(console_line_discipline().bytes_ready());
}

u32 ConsoleFile::poll_events()
{
    if (!frame::console::is_raw_line())
        return frame::console::poll(m_stream);
    take_console_input();
    auto& line = console_line_discipline();
    return (line.is_output_stopped() ? 0 : poll_out) | (line.can_poll_in() ? poll_in : 0);
}

std::string ConsoleFile::description() { return frame::console::describe(m_stream); }

Result<long> ConsoleFile::ioctl(Context& ctx, u32 request, u64 arg)
{
    switch (request) {
    case tcgets: {
        frame::console::Termios termios;
        if (frame::console::is_raw_line())
            termios = console_line_discipline().termios();
        else
            termios = TRY(frame::console::get_termios(m_stream));
        TRY(ctx.user().write(UserPtr<frame::console::Termios>(arg), termios));
        return 0;
    }
    case tcsets:
    case tcsetsw:
    case tcsetsf: {
        if (!frame::console::is_terminal(m_stream))
            return Errno::enotty;
        auto termios = TRY(ctx.user().read(UserPtr<frame::console::Termios>(arg)));
        if (frame::console::is_raw_line()) // output is synchronous: TCSETSW waits for nothing
            console_line_discipline().set_termios(termios, request == tcsetsf);
        else
            TRY(frame::console::set_termios(m_stream, termios, static_cast<int>(request - tcsets)));
        return 0;
    }
    case tiocgwinsz: {
        frame::console::WinSize size;
        if (frame::console::is_raw_line())
            size = console_line_discipline().window_size();
        else
            size = TRY(frame::console::window_size(m_stream));
        TRY(ctx.user().write(UserPtr<frame::console::WinSize>(arg), size));
        return 0;
    }
    case tiocswinsz: {
        auto size = TRY(ctx.user().read(UserPtr<frame::console::WinSize>(arg)));
        if (!frame::console::is_raw_line()) {
            TRY(frame::console::set_window_size(m_stream, size));
            return 0;
        }
        console_line_discipline().set_window_size(size);
        forward_console_signals(console_line_discipline().take_signals()); // SIGWINCH
        return 0;
    }
    case tiocgpgrp:
    case tiocgsid: {
        if (!frame::console::is_terminal(m_stream))
            return Errno::enotty;
        const Terminal& terminal = console_terminal();
        if (terminal.session != ctx.process().sid)
            return Errno::enotty;
        TRY(ctx.user().write(UserPtr<i32>(arg), request == tiocgpgrp ? terminal.foreground_pgrp : terminal.session));
        return 0;
    }
    case tiocspgrp: {
        if (!frame::console::is_terminal(m_stream))
            return Errno::enotty;
        Terminal& terminal = console_terminal();
        if (terminal.session != ctx.process().sid)
            return Errno::enotty;
        i32 pgrp = TRY(ctx.user().read(UserPtr<i32>(arg)));
        if (pgrp < 0)
            return Errno::einval;
        bool is_group_in_session = false;
        for (auto& [pid, process] : ProcessTable::all())
            is_group_in_session |= process->pgid == pgrp && process->sid == ctx.process().sid; // zombies count
        if (!is_group_in_session)
            return Errno::eperm;
        terminal.foreground_pgrp = pgrp;
        return 0;
    }
    case tiocsctty: {
        if (!frame::console::is_terminal(m_stream))
            return Errno::enotty;
        Process& caller = ctx.process();
        if (caller.sid != caller.pid())
            return Errno::eperm;
        Terminal& terminal = console_terminal();
        if (terminal.session == caller.sid)
            return 0;
        if (terminal.session != 0 && ProcessTable::find(terminal.session) && !(arg == 1 && ctx.thread().credentials().has_capability(abi::Capability::sys_admin)))
            return Errno::eperm;
        terminal.session = caller.sid;
        terminal.foreground_pgrp = caller.pgid;
        return 0;
    }
    case tiocnotty: {
        if (!frame::console::is_terminal(m_stream))
            return Errno::enotty;
        Terminal& terminal = console_terminal();
        if (terminal.session != ctx.process().sid)
            return Errno::enotty;
        if (ctx.process().sid == ctx.process().pid())
            terminal = {};
        return 0;
    }
    default:
        return Errno::enotty;
    }
}

} // namespace asterix::services
