#include "services/tty/terminal_file.h"

#include <vector>

#include "services/abi/termios.h"
#include "services/fs/stream_write.h"
#include "services/process/process_table.h"
#include "services/syscalls/context.h"

namespace asterix::services {

Result<usize> TerminalFile::read(frame::UserWriter& out)
{
    if (out.remaining() == 0)
        return 0;
    TRY(m_tty->job_control().check_read());
    if (is_nonblocking() && m_tty->driver().would_block_read())
        return Errno::eagain;
    std::vector<u8> buffer(std::min<u64>(out.remaining(), stream_chunk_bytes));
    usize n = TRY(m_tty->driver().read(buffer));
    return TRY(out.write(std::span(buffer).first(n)));
}

Result<usize> TerminalFile::write(frame::UserReader& in)
{
    // TOSTOP is looked up only for a background writer: the foreground pays nothing for it.
    if (m_tty->job_control().is_caller_in_background()) {
        auto termios = m_tty->driver().termios();
        if (!termios.is_error() && (termios.value().lflag & abi::tostop))
            TRY(m_tty->job_control().check_change());
    }
    if (is_nonblocking() && in.remaining() > 0 && m_tty->driver().would_block_write())
        return Errno::eagain;
    return write_through(in, [this](std::span<const u8> span) { return m_tty->driver().write(span); });
}

Result<long> TerminalFile::ioctl(Context& ctx, u32 request, u64 arg)
{
    if (JobControl::is_job_ioctl(request))
        return m_tty->job_control().ioctl(ctx, request, arg);
    auto& driver = m_tty->driver();
    switch (request) {
    case abi::tcgets: {
        auto termios = TRY(driver.termios());
        TRY(ctx.user().write(UserPtr<frame::console::Termios>(arg), termios));
        return 0;
    }
    case abi::tcsets:
    case abi::tcsetsw:
    case abi::tcsetsf: {
        TRY(m_tty->job_control().check_change());
        auto termios = TRY(ctx.user().read(UserPtr<frame::console::Termios>(arg)));
        TRY(driver.set_termios(termios, static_cast<int>(request - abi::tcsets)));
        return 0;
    }
    case abi::tiocgwinsz: {
        auto size = TRY(driver.window_size());
        TRY(ctx.user().write(UserPtr<frame::console::WinSize>(arg), size));
        return 0;
    }
    case abi::tiocswinsz: {
        auto size = TRY(ctx.user().read(UserPtr<frame::console::WinSize>(arg)));
        TRY(driver.set_window_size(size));
        return 0;
    }
    default:
        return Errno::enotty;
    }
}

Result<Ref<File>> open_controlling_terminal(const Ref<Dentry>& node, u32 status_flags)
{
    Thread* thread = ProcessTable::current_thread();
    Tty* tty = thread ? Tty::of_session(thread->process().sid()) : nullptr;
    if (!tty)
        return Errno::enxio;
    return Ref<File>(make_ref<TerminalFile>(Ref<Tty>(tty), status_flags, node));
}

} // namespace asterix::services
