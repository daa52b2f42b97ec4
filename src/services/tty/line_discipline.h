#pragma once

#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "frame/console.h"

namespace asterix::services {

/// A terminal's input and output processing, as Linux's N_TTY does it, for a console whose far
/// end is a plain byte line (the bare-metal serial port; hosted, the host's terminal does this).
/// Input: ICRNL/INLCR/IGNCR/ISTRIP; ISIG (^C, ^\, ^Z become signals and flush the input unless
/// NOFLSH); ICANON line editing (erase, kill, word erase, literal next, reprint, EOF, EOL) with
/// reads of at most one line; ECHO with ECHOE/ECHOK/ECHOKE/ECHOCTL/ECHONL; VMIN and VTIME in
/// raw mode; IXON flow control (^S stops output, ^Q or with IXANY any key restarts it).
/// Output: OPOST with ONLCR/OCRNL. Not done: column tracking (erasing a tab backs up one
/// column), echoes held while output is stopped.
/// Pure logic: its driver (serial_driver.cpp) feeds it bytes and sends what it returns.
class LineDiscipline {
public:
    LineDiscipline();

    /// One byte from the line. What goes back to the line in reply (the echo, after output
    /// processing) is appended to `echo`.
    void receive(u8 byte, std::vector<u8>& echo);
    /// Whether a read of up to `wanted` bytes can return without waiting more: a complete line
    /// (or end of file) in canonical mode; in raw mode min(VMIN, wanted) bytes, or one when VMIN
    /// is 0 and VTIME is not, or always when both are 0 (termios(3)).
    bool is_readable(usize wanted) const;
    /// poll(2)'s POLLIN: a line, or in raw mode VMIN bytes (one when VTIME is set), as Linux.
    bool can_poll_in() const;
    /// Raw mode's VTIME in nanoseconds (0: none) and whether it is the inter-byte timer that
    /// starts with the first byte (VMIN > 0) rather than one for the whole read (VMIN 0).
    u64 read_timeout_ns() const;
    bool is_inter_byte_timer() const;
    /// IXON: output is stopped (^S) until ^Q.
    bool is_output_stopped() const { return m_is_output_stopped; }
    /// Bytes a read could take now (FIONREAD): complete lines only, in canonical mode.
    usize bytes_ready() const { return m_ready.size(); }
    /// Takes up to one line in canonical mode (0 at end of file: ^D on an empty line), or what
    /// is there in raw mode.
    usize read(std::span<u8> dst);
    /// Terminal signals (a bit mask by signal number) that input raised since the last call.
    u64 take_signals();
    /// Output processing of bytes on their way to the line.
    void process_output(std::span<const u8> src, std::vector<u8>& out) const;

    const frame::console::Termios& termios() const { return m_termios; }
    /// The terminal's size (TIOCGWINSZ); setting a different one raises SIGWINCH.
    const frame::console::WinSize& window_size() const { return m_window_size; }
    void set_window_size(const frame::console::WinSize& size);
    /// TCSETS; `is_flush` (TCSETSF) drops pending input. Leaving canonical mode makes the line
    /// being edited readable, entering it makes what is pending one line, as Linux does.
    void set_termios(const frame::console::Termios& termios, bool is_flush);

private:
    bool is_char(u8 byte, int index) const;
    bool has_lflag(u32 flag) const { return m_termios.lflag & flag; }
    /// Appends bytes for the line to `out`, with output processing.
    void emit(u8 byte, std::vector<u8>& out) const;
    void emit(std::string_view text, std::vector<u8>& out) const;
    void put_echo(u8 byte, std::vector<u8>& echo) const;
    void raise_signal(int sig, u8 byte, std::vector<u8>& echo);
    /// Erases the last character of the line being edited (a whole UTF-8 sequence with IUTF8).
    void erase_char(std::vector<u8>& echo);
    void erase_word(std::vector<u8>& echo);
    void kill_line(u8 byte, std::vector<u8>& echo);
    void end_line();
    void flush_input();

    frame::console::Termios m_termios;
    frame::console::WinSize m_window_size {};
    std::deque<u8> m_ready;         ///< readable bytes: complete lines in canonical mode
    std::deque<usize> m_line_sizes; ///< canonical: bytes of each readable line (0 is end of file)
    std::string m_line;             ///< canonical: the line being edited
    u64 m_signals {0};
    bool m_is_literal_next {false};
    bool m_is_output_stopped {false};
};

} // namespace asterix::services
