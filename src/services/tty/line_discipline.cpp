#include "services/tty/line_discipline.h"

#include <algorithm>

#include "services/abi/signal.h"
#include "services/abi/termios.h"

namespace asterix::services {

namespace {
using namespace abi;
/// Linux's N_TTY_BUF_SIZE: input beyond it is dropped (one byte is kept for a line's end).
constexpr usize max_input = n_tty_buf_size;

bool is_control(u8 byte) { return byte < 0x20 || byte == 0x7f; }
bool is_utf8_continuation(u8 byte) { return (byte & 0xc0) == 0x80; }
bool is_word_byte(u8 byte) { return byte == '_' || (byte >= '0' && byte <= '9') || ((byte | 0x20) >= 'a' && (byte | 0x20) <= 'z') || byte >= 0x80; }
} // namespace

LineDiscipline::LineDiscipline()
{
    // Linux's defaults for a serial console (tty_std_termios at 115200 baud, CLOCAL).
    m_termios = {icrnl | ixon, opost | onlcr, b115200 | cs8 | cread | clocal,
        isig | icanon | abi::echo | echoe | echok | echoctl | echoke | iexten, 0, {}};
    constexpr u8 defaults[] = {003, 034, 0177, 025, 004, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0};
    std::copy(std::begin(defaults), std::end(defaults), m_termios.cc);
}

bool LineDiscipline::is_char(u8 byte, int index) const
{
    u8 special = m_termios.cc[index];
    return special != 0 && byte == special; // 0 is _POSIX_VDISABLE
}

void LineDiscipline::put_echo(u8 byte, std::vector<u8>& echo) const
{
    if (has_lflag(echoctl) && is_control(byte) && byte != '\t' && byte != '\n') {
        emit('^', echo);
        emit(static_cast<u8>(byte ^ 0x40), echo);
        return;
    }
    emit(byte, echo);
}

void LineDiscipline::receive(u8 byte, std::vector<u8>& echo)
{
    if (m_termios.iflag & istrip)
        byte &= 0x7f;
    bool is_canonical = has_lflag(icanon);
    bool is_echo = has_lflag(abi::echo);
    if (m_is_literal_next) {
        m_is_literal_next = false; // taken as it is; its echo overwrites the "^" shown for ^V
    } else {
        if (byte == '\r') {
            if (m_termios.iflag & igncr)
                return;
            if (m_termios.iflag & icrnl)
                byte = '\n';
        } else if (byte == '\n' && (m_termios.iflag & inlcr)) {
            byte = '\r';
        }
        if (m_termios.iflag & ixon) {
            if (is_char(byte, vstop)) {
                m_is_output_stopped = true;
                return;
            }
            bool is_start = is_char(byte, vstart);
            if (is_start || (m_is_output_stopped && (m_termios.iflag & ixany)))
                m_is_output_stopped = false;
            if (is_start)
                return;
        }
        if (has_lflag(isig)) {
            int sig = is_char(byte, vintr) ? sigint : is_char(byte, vquit) ? sigquit : is_char(byte, vsusp) ? sigtstp : 0;
            if (sig) {
                raise_signal(sig, byte, echo);
                return;
            }
        }
        if (is_canonical) {
            bool is_extended = has_lflag(iexten);
            if (is_char(byte, verase)) {
                erase_char(echo);
                return;
            }
            if (is_extended && is_char(byte, vwerase)) {
                erase_word(echo);
                return;
            }
            if (is_char(byte, vkill)) {
                kill_line(byte, echo);
                return;
            }
            if (is_extended && is_char(byte, vlnext)) {
                m_is_literal_next = true;
                if (is_echo && has_lflag(echoctl))
                    emit("^\b", echo);
                return;
            }
            if (is_extended && is_char(byte, vreprint)) {
                if (is_echo) {
                    put_echo(byte, echo);
                    emit('\n', echo);
                    for (u8 c : m_line)
                        put_echo(c, echo);
                }
                return;
            }
            if (is_char(byte, veof)) {
                end_line();
                return;
            }
            if (byte == '\n' || is_char(byte, veol) || is_char(byte, veol2)) {
                if (is_echo || (byte == '\n' && has_lflag(echonl)))
                    put_echo(byte, echo);
                m_line += static_cast<char>(byte);
                end_line();
                return;
            }
        }
    }
    if (is_canonical) {
        if (m_ready.size() + m_line.size() + 1 >= max_input)
            return;
        m_line += static_cast<char>(byte);
    } else {
        if (m_ready.size() >= max_input)
            return;
        m_ready.push_back(byte);
    }
    if (is_echo)
        put_echo(byte, echo);
}

void LineDiscipline::raise_signal(int sig, u8 byte, std::vector<u8>& echo)
{
    if (!has_lflag(noflsh))
        flush_input();
    m_signals |= 1ull << sig;
    if (has_lflag(abi::echo))
        put_echo(byte, echo);
}

void LineDiscipline::erase_char(std::vector<u8>& echo)
{
    if (m_line.empty())
        return;
    u8 last;
    do {
        last = static_cast<u8>(m_line.back());
        m_line.pop_back();
    } while ((m_termios.iflag & iutf8) && is_utf8_continuation(last) && !m_line.empty());
    if (!has_lflag(abi::echo))
        return;
    if (!has_lflag(echoe)) {
        put_echo(m_termios.cc[verase], echo);
        return;
    }
    int columns = has_lflag(echoctl) && is_control(last) && last != '\t' ? 2 : 1;
    for (int i = 0; i < columns; ++i)
        emit("\b \b", echo);
}

void LineDiscipline::erase_word(std::vector<u8>& echo)
{
    while (!m_line.empty() && !is_word_byte(static_cast<u8>(m_line.back())))
        erase_char(echo);
    while (!m_line.empty() && is_word_byte(static_cast<u8>(m_line.back())))
        erase_char(echo);
}

void LineDiscipline::kill_line(u8 byte, std::vector<u8>& echo)
{
    if (has_lflag(abi::echo) && has_lflag(echoke) && has_lflag(echoe)) {
        while (!m_line.empty())
            erase_char(echo);
        return;
    }
    m_line.clear();
    if (has_lflag(abi::echo)) {
        put_echo(byte, echo);
        if (has_lflag(echok))
            emit('\n', echo);
    }
}

void LineDiscipline::end_line()
{
    m_ready.insert(m_ready.end(), m_line.begin(), m_line.end());
    m_line_sizes.push_back(m_line.size());
    m_line.clear();
}

void LineDiscipline::flush_input()
{
    m_ready.clear();
    m_line_sizes.clear();
    m_line.clear();
}

bool LineDiscipline::is_readable(usize wanted) const
{
    if (has_lflag(icanon))
        return !m_line_sizes.empty();
    usize vmin_bytes = m_termios.cc[vmin];
    if (vmin_bytes == 0)
        return m_termios.cc[vtime] == 0 || !m_ready.empty();
    return m_ready.size() >= std::min(vmin_bytes, std::max<usize>(wanted, 1));
}

bool LineDiscipline::can_poll_in() const
{
    if (has_lflag(icanon))
        return !m_line_sizes.empty();
    usize needed = m_termios.cc[vtime] == 0 && m_termios.cc[vmin] > 0 ? m_termios.cc[vmin] : 1;
    return m_ready.size() >= needed;
}

u64 LineDiscipline::read_timeout_ns() const
{
    return has_lflag(icanon) ? 0 : u64 {m_termios.cc[vtime]} * 100'000'000;
}

bool LineDiscipline::is_inter_byte_timer() const { return m_termios.cc[vmin] > 0; }

usize LineDiscipline::read(std::span<u8> dst)
{
    usize n = std::min(dst.size(), m_ready.size());
    if (!m_line_sizes.empty()) {
        n = std::min(n, m_line_sizes.front());
        m_line_sizes.front() -= n;
        if (m_line_sizes.front() == 0)
            m_line_sizes.pop_front(); // the line is read (or it was the end of file)
    }
    std::copy_n(m_ready.begin(), n, dst.begin());
    m_ready.erase(m_ready.begin(), m_ready.begin() + static_cast<isize>(n));
    return n;
}

void LineDiscipline::set_window_size(const frame::console::WinSize& size)
{
    const auto& old = m_window_size;
    if (old.rows == size.rows && old.cols == size.cols && old.xpixel == size.xpixel && old.ypixel == size.ypixel)
        return;
    m_window_size = size;
    m_signals |= 1ull << sigwinch;
}

u64 LineDiscipline::take_signals()
{
    u64 signals = m_signals;
    m_signals = 0;
    return signals;
}

void LineDiscipline::emit(u8 byte, std::vector<u8>& out) const
{
    bool is_processed = m_termios.oflag & opost;
    if (is_processed && byte == '\n' && (m_termios.oflag & onlcr))
        out.insert(out.end(), {'\r', '\n'});
    else if (is_processed && byte == '\r' && (m_termios.oflag & ocrnl))
        out.push_back('\n');
    else
        out.push_back(byte);
}

void LineDiscipline::emit(std::string_view text, std::vector<u8>& out) const
{
    for (char c : text)
        emit(static_cast<u8>(c), out);
}

void LineDiscipline::process_output(std::span<const u8> src, std::vector<u8>& out) const
{
    for (u8 byte : src)
        emit(byte, out);
}

void LineDiscipline::set_termios(const frame::console::Termios& termios, bool is_flush)
{
    bool was_canonical = has_lflag(icanon);
    m_termios = termios;
    if (is_flush)
        flush_input();
    if (was_canonical && !has_lflag(icanon)) {
        m_ready.insert(m_ready.end(), m_line.begin(), m_line.end());
        m_line.clear();
        m_line_sizes.clear();
    } else if (!was_canonical && has_lflag(icanon) && !m_ready.empty()) {
        m_line_sizes.assign(1, m_ready.size());
    }
}

} // namespace asterix::services
