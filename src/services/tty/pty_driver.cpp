#include "services/tty/pty_driver.h"

#include <algorithm>
#include <vector>

#include "frame/clock.h"
#include "services/abi/poll.h"
#include "services/abi/termios.h"
#include "services/fs/dentry.h"
#include "services/fs/ram_fs.h"
#include "services/process/signals.h"
#include "services/syscalls/context.h"
#include "services/tty/devpts.h"
#include "services/tty/line_read.h"
#include "services/tty/terminal_file.h"

namespace asterix::services {

namespace {
constexpr usize chunk_bytes = 64 * 1024;

/// A new pty's modes on both sides, Linux's tty_std_termios: 38400 baud, cooked, echoing.
frame::console::Termios pty_std_termios(const frame::console::Termios& line_defaults)
{
    frame::console::Termios termios = line_defaults;
    termios.iflag = abi::icrnl | abi::ixon;
    termios.oflag = abi::opost | abi::onlcr;
    termios.cflag = abi::b38400 | abi::cs8 | abi::cread;
    return termios;
}
} // namespace

PtyDriver::PtyDriver(u32 index, Ref<RamInode> slave_inode) : m_index(index), m_slave_inode(std::move(slave_inode))
{
    m_line.set_termios(pty_std_termios(m_line.termios()), false);
    m_master_termios = m_line.termios();
}

PtyDriver::~PtyDriver() { release_pty_index(m_index); }

void PtyDriver::wake_pollers() { poll_queue().notify(); }

void PtyDriver::send_to_master(std::span<const u8> bytes)
{
    if (bytes.empty())
        return;
    m_to_master.insert(m_to_master.end(), bytes.begin(), bytes.end());
    m_master_readers.wake_all();
    wake_pollers();
}

/// As the serial line: a line, or in raw mode as VMIN and VTIME say. After a hangup a read
/// ends at once with 0, buffered input or not, as on Linux (the hung-up file's read).
Result<usize> PtyDriver::read(std::span<u8> dst)
{
    if (is_hung_up())
        return 0;
    if (!TRY(wait_for_line(m_line, dst.size(), m_slave_readers, "pty read", [this] { return !is_hung_up(); })))
        return 0;
    usize n = m_line.read(dst);
    m_master_writers.wake_all();
    wake_pollers();
    return n;
}

Result<usize> PtyDriver::write(std::span<const u8> src)
{
    for (;;) {
        if (is_hung_up())
            return Errno::eio;
        if (!m_line.is_output_stopped() && m_to_master.size() < buffer_bytes)
            break;
        TRY(wait_interruptible(m_slave_writers, ~0ull, "pty write"));
    }
    // Output processing may grow the bytes (ONLCR): take what fits, at least one byte.
    usize room = buffer_bytes - m_to_master.size();
    auto taken = src.first(std::max<usize>(1, std::min(src.size(), room / 2)));
    std::vector<u8> processed;
    m_line.process_output(taken, processed);
    send_to_master(processed);
    return taken.size();
}

Result<int> PtyDriver::bytes_ready()
{
    if (is_hung_up())
        return Errno::eio;
    return static_cast<int>(m_line.bytes_ready());
}

u32 PtyDriver::poll_events()
{
    if (is_hung_up())
        return abi::pollin | abi::pollout | abi::pollerr | abi::pollhup | abi::pollrdnorm | abi::pollwrnorm;
    u32 events = 0;
    if (m_line.can_poll_in())
        events |= abi::pollin | abi::pollrdnorm;
    if (!m_line.is_output_stopped() && m_to_master.size() < buffer_bytes)
        events |= abi::pollout | abi::pollwrnorm;
    return events;
}

Result<frame::console::Termios> PtyDriver::termios()
{
    if (is_hung_up())
        return Errno::eio;
    return m_line.termios();
}

Result<void> PtyDriver::set_termios(const frame::console::Termios& termios, int when)
{
    if (is_hung_up())
        return Errno::eio;
    // Output goes straight to the master's buffer: TCSETSW has nothing to wait for.
    m_line.set_termios(termios, when == 2);
    m_slave_readers.wake_all(); // leaving canonical mode may make the edited line readable
    wake_pollers();
    return {};
}

Result<frame::console::WinSize> PtyDriver::window_size()
{
    if (is_hung_up())
        return Errno::eio;
    return m_line.window_size();
}

Result<void> PtyDriver::set_window_size(const frame::console::WinSize& size)
{
    // Either side may set it (Linux's pty_resize): one size for the pair, SIGWINCH to the
    // slave's foreground group when it changes.
    if (is_hung_up())
        return Errno::eio;
    m_line.set_window_size(size);
    raise_signals(m_line.take_signals());
    return {};
}

Result<frame::FileStat> PtyDriver::stat() { return m_slave_inode->stat(); }


std::string PtyDriver::description() { return "/dev/pts/" + std::to_string(m_index); }

bool PtyDriver::would_block_read() { return !is_hung_up() && !m_line.is_readable(1); }

bool PtyDriver::would_block_write() { return !is_hung_up() && (m_line.is_output_stopped() || m_to_master.size() >= buffer_bytes); }

void PtyDriver::on_file_opened()
{
    ++m_slave_files;
    m_is_slave_closed = false;
}

void PtyDriver::on_file_closed()
{
    if (m_slave_files > 0 && --m_slave_files == 0) {
        m_is_slave_closed = true;
        m_master_readers.wake_all();
        m_master_writers.wake_all();
        wake_pollers();
    }
}

/// Linux: the master reads what the slave wrote; once every slave file closed and nothing is
/// left, EIO (not 0), which is how programs like script and pty.spawn learn the child is done.
Result<usize> PtyDriver::master_read(std::span<u8> dst, bool is_nonblocking)
{
    while (m_to_master.empty()) {
        if (m_is_slave_closed)
            return Errno::eio;
        if (is_nonblocking)
            return Errno::eagain;
        TRY(wait_interruptible(m_master_readers, ~0ull, "pty master read"));
    }
    usize offset = 0;
    if (m_is_packet_mode) {
        if (dst.size() < 2)
            return Errno::einval; // Linux's packet reads need room for the status and a byte
        dst[0] = abi::tiocpkt_data;
        offset = 1;
    }
    usize n = std::min(dst.size() - offset, m_to_master.size());
    std::copy_n(m_to_master.begin(), n, dst.subspan(offset).begin());
    for (usize i = 0; i < n; ++i)
        m_to_master.pop_front();
    m_slave_writers.wake_all();
    wake_pollers();
    return offset + n;
}

Result<usize> PtyDriver::master_write(std::span<const u8> src, bool is_nonblocking)
{
    // The slave's unread input is bounded: the master waits (as Linux's does on a full buffer).
    while (m_line.bytes_ready() >= buffer_bytes) {
        if (is_nonblocking)
            return Errno::eagain;
        TRY(wait_interruptible(m_master_writers, ~0ull, "pty master write"));
    }
    std::vector<u8> echo;
    for (u8 byte : src)
        m_line.receive(byte, echo);
    send_to_master(echo);
    raise_signals(m_line.take_signals());
    m_slave_readers.wake_all();
    if (!m_line.is_output_stopped())
        m_slave_writers.wake_all();
    wake_pollers();
    return src.size();
}

u32 PtyDriver::master_poll_events() const
{
    u32 events = 0;
    if (!m_to_master.empty())
        events |= abi::pollin | abi::pollrdnorm;
    if (m_is_slave_closed)
        events |= abi::pollhup;
    if (m_line.bytes_ready() < buffer_bytes)
        events |= abi::pollout | abi::pollwrnorm;
    return events;
}

void PtyDriver::close_master()
{
    m_is_master_open = false;
    m_slave_readers.wake_all();
    m_slave_writers.wake_all();
    wake_pollers();
}

PtyMasterFile::PtyMasterFile(Ref<Tty> tty, PtyDriver& driver, Ref<Dentry> ptmx, u32 status_flags)
    : File(status_flags), m_tty(std::move(tty)), m_driver(driver), m_ptmx(std::move(ptmx))
{
}

PtyMasterFile::~PtyMasterFile()
{
    m_driver.close_master();
    m_tty->job_control().hang_up_session();
}

Result<usize> PtyMasterFile::read(frame::UserWriter& out)
{
    if (out.remaining() == 0)
        return 0;
    std::vector<u8> buffer(std::min<u64>(out.remaining(), chunk_bytes));
    usize n = TRY(m_driver.master_read(buffer, is_nonblocking()));
    return TRY(out.write(std::span(buffer).first(n)));
}

Result<usize> PtyMasterFile::write(frame::UserReader& in)
{
    std::vector<u8> buffer(std::min<u64>(in.remaining(), chunk_bytes));
    usize total = 0;
    while (in.remaining() > 0) {
        auto got = in.read(buffer);
        if (got.is_error())
            return total > 0 ? Result<usize>(total) : got.error();
        auto written = m_driver.master_write(std::span<const u8>(buffer).first(got.value()), is_nonblocking());
        if (written.is_error())
            return total > 0 ? Result<usize>(total) : written.error();
        total += written.value();
    }
    return total;
}

Result<frame::FileStat> PtyMasterFile::stat() { return m_ptmx->inode().stat(); }

Dentry* PtyMasterFile::dentry() { return m_ptmx.ptr(); }

Inode* PtyMasterFile::inode() { return &m_ptmx->inode(); }

Result<long> PtyMasterFile::ioctl(Context& ctx, u32 request, u64 arg)
{
    switch (request) {
    case abi::tiocgptn:
        TRY(ctx.user().write(UserPtr<u32>(arg), m_driver.index()));
        return 0;
    case abi::tiocsptlck:
        m_driver.set_locked(TRY(ctx.user().read(UserPtr<i32>(arg))) != 0);
        return 0;
    case abi::tiocgptlck:
        TRY(ctx.user().write(UserPtr<i32>(arg), m_driver.is_locked() ? 1 : 0));
        return 0;
    case abi::tiocpkt:
        m_driver.set_packet_mode(TRY(ctx.user().read(UserPtr<i32>(arg))) != 0);
        return 0;
    case abi::tiocgpkt:
        TRY(ctx.user().write(UserPtr<i32>(arg), m_driver.is_packet_mode() ? 1 : 0));
        return 0;
    case abi::tiocgptpeer: {
        // The argument is the slave's open flags; only access mode and a few status flags count.
        u32 flags = static_cast<u32>(arg) & (o_accmode | o_nonblock | o_cloexec | o_noctty);
        auto file = TRY(open_pty_slave(m_tty, m_driver, flags));
        return TRY(ctx.files().install(file, flags & o_cloexec, 0, ctx.process().rlimit(rlimit_nofile).cur));
    }
    case abi::tcgets:
        TRY(ctx.user().write(UserPtr<frame::console::Termios>(arg), m_driver.master_termios()));
        return 0;
    case abi::tcsets:
    case abi::tcsetsw:
    case abi::tcsetsf:
        m_driver.master_termios() = TRY(ctx.user().read(UserPtr<frame::console::Termios>(arg)));
        return 0;
    case abi::tiocgwinsz: {
        auto size = TRY(m_driver.window_size());
        TRY(ctx.user().write(UserPtr<frame::console::WinSize>(arg), size));
        return 0;
    }
    case abi::tiocswinsz: {
        auto size = TRY(ctx.user().read(UserPtr<frame::console::WinSize>(arg)));
        TRY(m_driver.set_window_size(size));
        return 0;
    }
    case abi::tiocgpgrp:
    case abi::tiocgsid: {
        // On the master these name the slave's foreground group and session, without the
        // controlling-terminal check (Linux's tiocgpgrp with real_tty the slave).
        auto& job_control = m_tty->job_control();
        i32 value = request == abi::tiocgpgrp ? job_control.foreground_pgrp() : job_control.session();
        if (request == abi::tiocgsid && value == 0)
            return Errno::enotty;
        TRY(ctx.user().write(UserPtr<i32>(arg), value));
        return 0;
    }
    default:
        return Errno::enotty;
    }
}

Result<Ref<File>> open_pty_slave(const Ref<Tty>& tty, PtyDriver& driver, u32 status_flags)
{
    if (driver.is_locked() || !driver.is_master_open())
        return Errno::eio;
    return Ref<File>(make_ref<TerminalFile>(tty, status_flags));
}

} // namespace asterix::services
