#pragma once

#include "services/tty/tty.h"

namespace asterix::services {

/// The hosted console when asterix's own streams are a host terminal: a pass-through driver.
/// The host's terminal keeps its line discipline (editing, echo, termios and window size are
/// the host's); its ^C, ^\, ^Z and SIGWINCH reach asterix, which gives them to the Tty's
/// foreground group. Several streams may be the same terminal: reads go to one opened for
/// reading, writes to one opened for writing.
class HostTerminalDriver final : public TtyDriver {
public:
    HostTerminalDriver(int read_stream, int write_stream) : m_read_stream(read_stream), m_write_stream(write_stream) {}

    Result<usize> read(std::span<u8> dst) override { return frame::console::read(m_read_stream, dst); }
    Result<usize> write(std::span<const u8> src) override { return frame::console::write(m_write_stream, src); }
    Result<int> bytes_ready() override { return frame::console::bytes_ready(m_read_stream); }
    u32 poll_events() override;
    Result<frame::console::Termios> termios() override { return frame::console::get_termios(m_read_stream); }
    Result<void> set_termios(const frame::console::Termios& termios, int when) override
    {
        return frame::console::set_termios(m_read_stream, termios, when);
    }
    Result<frame::console::WinSize> window_size() override { return frame::console::window_size(m_read_stream); }
    Result<void> set_window_size(const frame::console::WinSize& size) override
    {
        return frame::console::set_window_size(m_read_stream, size); // the host sends the SIGWINCH
    }
    /// The guest knows the host's terminal as /dev/console, never by the host's name for it.
    Result<frame::FileStat> stat() override;
    std::string description() override;

private:
    int m_read_stream;
    int m_write_stream;
};

} // namespace asterix::services
