#include "services/tty/serial_driver.h"

#include <array>
#include <tuple>
#include <vector>

#include "frame/clock.h"
#include "services/abi/poll.h"
#include "services/process/signals.h"
#include "services/tty/line_read.h"

namespace asterix::services {

namespace {
// The line is all three console streams; these name the directions.
constexpr int line_in = 0;
constexpr int line_out = 1;
} // namespace

void SerialDriver::take_input()
{
    std::vector<u8> echo;
    std::array<u8, 256> chunk;
    bool has_input = false;
    for (;;) {
        auto ready = frame::console::bytes_ready(line_in);
        if (ready.is_error() || ready.value() <= 0)
            break;
        auto got = frame::console::read(line_in, chunk);
        if (got.is_error() || got.value() == 0)
            break;
        for (u8 byte : std::span(chunk).first(got.value()))
            m_line.receive(byte, echo);
        has_input = true;
    }
    if (!echo.empty())
        std::ignore = frame::console::write(line_out, echo); // the line takes all: a serial port does not refuse
    raise_signals(m_line.take_signals());
    if (has_input) {
        m_readers.wake_all();
        if (!m_line.is_output_stopped())
            m_writers.wake_all();
        poll_queue().notify();
    }
}

/// A line, or in raw mode as VMIN and VTIME say (termios(3)): VTIME is a timer for the whole
/// read when VMIN is 0, else one that starts with the first byte and restarts with each.
Result<usize> SerialDriver::read(std::span<u8> dst)
{
    take_input();
    TRY(wait_for_line(m_line, dst.size(), m_readers, "console read", [this] {
        take_input();
        return true;
    }));
    return m_line.read(dst);
}

Result<usize> SerialDriver::write(std::span<const u8> src)
{
    // Stopped by ^S until ^Q; then the line discipline's output processing (ONLCR), and the
    // line takes all of it.
    while (m_line.is_output_stopped()) {
        TRY(wait_interruptible(m_writers, ~0ull, "console output stopped"));
        take_input();
    }
    std::vector<u8> processed;
    m_line.process_output(src, processed);
    TRY(frame::console::write(line_out, processed));
    return src.size();
}

Result<int> SerialDriver::bytes_ready()
{
    take_input();
    return static_cast<int>(m_line.bytes_ready());
}

u32 SerialDriver::poll_events()
{
    take_input();
    return (m_line.is_output_stopped() ? 0u : u32 {abi::pollout}) | (m_line.can_poll_in() ? u32 {abi::pollin} : 0u);
}

Result<void> SerialDriver::set_termios(const frame::console::Termios& termios, int when)
{
    // Output is synchronous: TCSETSW has nothing to wait for.
    m_line.set_termios(termios, when == 2);
    poll_queue().notify(); // a change of mode can make a partial line readable
    return {};
}

Result<void> SerialDriver::set_window_size(const frame::console::WinSize& size)
{
    m_line.set_window_size(size);
    raise_signals(m_line.take_signals()); // SIGWINCH
    return {};
}

Result<frame::FileStat> SerialDriver::stat() { return frame::console::stat(line_in); }

std::string SerialDriver::description() { return frame::console::describe(line_in); }

} // namespace asterix::services
