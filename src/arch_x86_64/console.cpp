// The console on bare metal: streams 0, 1 and 2 are all the terminal on COM1 (/dev/ttyS0).
// Received bytes (buffered by the UART's interrupt) go through the line discipline, which
// echoes, edits lines and turns ^C, ^\ and ^Z into signals; the scheduler takes them at every
// tick and wakeup (take_console_signals), so they work while nothing reads. Output goes
// through the line discipline's output processing and straight out.

#include "arch_x86_64/serial.h"
#include "frame/arch.h"
#include "frame/console.h"
#include "frame/internal.h"
#include "frame/line_discipline.h"

namespace asterix::frame {

namespace {
constexpr u32 s_ifchr = 0020000;
constexpr u32 o_rdwr = 2;
constexpr u32 poll_in = 0x001;
constexpr u32 poll_out = 0x004;
constexpr u64 ttys0_rdev = (4 << 8) | 64; // major 4, minor 64
constexpr int tcsetsf = 2;                // set_termios' `when`: TCSETS + 2

LineDiscipline& terminal()
{
    static LineDiscipline line_discipline;
    return line_discipline;
}

void send(std::string_view bytes)
{
    for (char byte : bytes)
        arch_x86_64::serial_send(static_cast<u8>(byte));
}


/// Feeds what the line received to the line discipline and shows its echo.
void take_input()
{
    std::string echo;
    while (arch_x86_64::serial_can_read())
        terminal().receive(arch_x86_64::serial_read_byte(), echo);
    send(echo);
}

bool valid_stream(int stream) { return stream >= 0 && stream < 3; }
} // namespace

bool arch::console_input_ready()
{
    take_input();
    return terminal().is_readable();
}

u64 arch::take_console_signals()
{
    take_input();
    return terminal().take_signals();
}

namespace console {

bool is_open(int stream) { return valid_stream(stream); }
bool is_terminal(int stream) { return valid_stream(stream); }

Result<usize> read(int stream, std::span<u8> dst)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    if (dst.empty())
        return 0;
    for (take_input(); !terminal().is_readable(dst.size()); take_input())
        console_input_waiters().wait();
    return terminal().read(dst);
}

Result<usize> write(int stream, std::span<const u8> src)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    std::string out;
    terminal().process_output(src, out);
    send(out);
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
    take_input();
    return static_cast<int>(terminal().bytes_ready());
}

u32 poll(int stream)
{
    if (!valid_stream(stream))
        return 0;
    take_input();
    return poll_out | (terminal().is_readable() ? poll_in : 0);
}

std::string describe(int) { return "/dev/ttyS0"; }

Result<void> sync(int stream, bool) { return valid_stream(stream) ? Result<void>(Errno::einval) : Errno::ebadf; }

u32 status_flags(int) { return o_rdwr; }

Result<Termios> get_termios(int stream)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    return terminal().termios();
}

Result<void> set_termios(int stream, const Termios& termios, int when)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    terminal().set_termios(termios, when == tcsetsf); // output is synchronous: TCSETSW waits for nothing
    return {};
}

/// A serial line has no size until one is set (0x0), as on Linux.
Result<WinSize> window_size(int stream)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    return terminal().window_size();
}

Result<void> set_window_size(int stream, const WinSize& size)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    terminal().set_window_size(size);
    return {};
}

} // namespace console

} // namespace asterix::frame
