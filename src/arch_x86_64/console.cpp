// The console on bare metal: a raw byte line, COM1 (/dev/ttyS0), which streams 0, 1 and 2 all
// are. Received bytes are buffered by the UART's interrupt; the scheduler calls the services'
// input hook when some are waiting, and the services' line discipline (echo, line editing,
// ^C) makes a terminal of the line. Output goes out as it is.

#include "arch_x86_64/serial.h"
#include "frame/arch.h"
#include "frame/console.h"
#include "frame/internal.h"

namespace asterix::frame {

namespace {
constexpr u32 s_ifchr = 0020000;
constexpr u32 o_rdwr = 2;
constexpr u32 poll_in = 0x001;
constexpr u32 poll_out = 0x004;
constexpr u64 ttys0_rdev = (4 << 8) | 64; // major 4, minor 64

bool valid_stream(int stream) { return stream >= 0 && stream < 3; }
} // namespace

bool arch::console_input_ready() { return arch_x86_64::serial_can_read(); }

/// Terminal signals come from the services' line discipline, not from the line.
u64 arch::take_console_signals() { return 0; }
/// No host process can signal a bare-metal kernel.
u64 arch::take_forwarded_signals() { return 0; }
bool arch::is_stop_deadline_passed() { return false; }

namespace console {

StreamKind stream_kind(int stream) { return valid_stream(stream) ? StreamKind::raw_line : StreamKind::closed; }

Result<usize> read(int stream, std::span<u8> dst)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    if (dst.empty())
        return 0;
    while (!arch_x86_64::serial_can_read())
        console_input_waiters().wait();
    usize n = 0;
    while (n < dst.size() && arch_x86_64::serial_can_read())
        dst[n++] = arch_x86_64::serial_read_byte();
    return n;
}

Result<usize> write(int stream, std::span<const u8> src)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    for (u8 byte : src)
        arch_x86_64::serial_send(byte);
    return src.size();
}

Result<FileStat> stat(int stream)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    FileStat stat {};
    stat.dev = 5;
    stat.ino = 3 + static_cast<u64>(stream);
    stat.mode = s_ifchr | 0620;
    stat.nlink = 1;
    stat.rdev = ttys0_rdev;
    stat.blksize = 1024;
    return stat;
}

Result<i64> seek(int stream, i64, int) { return valid_stream(stream) ? Result<i64>(Errno::espipe) : Errno::ebadf; }

Result<int> bytes_ready(int stream)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    return arch_x86_64::serial_can_read() ? 1 : 0;
}

u32 poll(int stream)
{
    if (!valid_stream(stream))
        return 0;
    return poll_out | (arch_x86_64::serial_can_read() ? poll_in : 0);
}

std::string describe(int) { return "/dev/ttyS0"; }

Result<void> sync(int stream, bool) { return valid_stream(stream) ? Result<void>(Errno::einval) : Errno::ebadf; }

u32 status_flags(int) { return o_rdwr; }

// A raw line: the services' line discipline holds the terminal's modes and size.
Result<Termios> get_termios(int) { return Errno::enotty; }
Result<void> set_termios(int, const Termios&, int) { return Errno::enotty; }
Result<WinSize> window_size(int) { return Errno::enotty; }
Result<void> set_window_size(int, const WinSize&) { return Errno::enotty; }

} // namespace console

} // namespace asterix::frame
