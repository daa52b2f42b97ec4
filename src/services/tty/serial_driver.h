#pragma once

#include "frame/task.h"
#include "services/tty/line_discipline.h"
#include "services/tty/tty.h"

namespace asterix::services {

/// A terminal on a raw byte line: the frame's console on bare metal (COM1, /dev/ttyS0), whose
/// three streams are all the line. The services' LineDiscipline edits lines, echoes and turns
/// ^C into signals, as Linux's N_TTY over a serial driver.
class SerialDriver final : public TtyDriver {
public:
    Result<usize> read(std::span<u8> dst) override;
    Result<usize> write(std::span<const u8> src) override;
    Result<int> bytes_ready() override;
    u32 poll_events() override;
    bool is_polled_by_time() const override { return false; }
    Result<frame::console::Termios> termios() override { return m_line.termios(); }
    Result<void> set_termios(const frame::console::Termios& termios, int when) override;
    Result<frame::console::WinSize> window_size() override { return m_line.window_size(); }
    Result<void> set_window_size(const frame::console::WinSize& size) override;
    Result<frame::FileStat> stat() override;
    std::string description() override;

    /// Feeds what the line received to the line discipline: echoes it, raises the signals it
    /// raised, wakes readers (and writers, for ^Q). The frame's input hook calls it when bytes
    /// arrive (also while nobody reads, so that ^C works); readers, writers and poll call it too.
    void take_input();

private:
    LineDiscipline m_line;
    frame::WaitQueue m_readers;
    frame::WaitQueue m_writers; ///< waiting for ^Q
};

} // namespace asterix::services
