#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "services/abi/termios.h"
#include "services/tty/line_discipline.h"

using namespace asterix;
using services::LineDiscipline;

namespace {
using namespace services::abi;
constexpr u32 echo_on = services::abi::echo;

/// Feeds `input` byte by byte; returns the echo.
std::string type(LineDiscipline& ld, std::string_view input)
{
    std::vector<u8> echo;
    for (char c : input)
        ld.receive(static_cast<u8>(c), echo);
    return std::string(echo.begin(), echo.end());
}

std::string read_all(LineDiscipline& ld, usize size = 100)
{
    std::vector<u8> buffer(size);
    usize n = ld.read(buffer);
    return std::string(buffer.begin(), buffer.begin() + static_cast<isize>(n));
}

void change(LineDiscipline& ld, u32 lflag_on, u32 lflag_off, bool is_flush = false)
{
    auto termios = ld.termios();
    termios.lflag = (termios.lflag | lflag_on) & ~lflag_off;
    ld.set_termios(termios, is_flush);
}
} // namespace

TEST_CASE("canonical mode: a line is readable only once it ends, and echoed with \\r\\n")
{
    LineDiscipline ld;
    CHECK(type(ld, "ls -l") == "ls -l");
    CHECK_FALSE(ld.is_readable(100));
    CHECK(ld.bytes_ready() == 0);
    CHECK(type(ld, "\r") == "\r\n"); // ICRNL on input, ONLCR on the echo
    CHECK(ld.is_readable(100));
    CHECK(ld.bytes_ready() == 6);
    CHECK(read_all(ld) == "ls -l\n");
    CHECK_FALSE(ld.is_readable(100));
}

TEST_CASE("canonical mode: a read takes at most one line, and a short read leaves the rest of it")
{
    LineDiscipline ld;
    type(ld, "one\ntwo\n");
    CHECK(read_all(ld, 2) == "on");
    CHECK(read_all(ld) == "e\n");
    CHECK(read_all(ld) == "two\n");
}

TEST_CASE("erase, word erase and kill edit the line and show it with backspaces")
{
    LineDiscipline ld;
    CHECK(type(ld, "abc\x7f") == "abc\b \b");
    CHECK(type(ld, "d foo bar\x17") == "d foo bar\b \b\b \b\b \b");
    type(ld, "\n");
    CHECK(read_all(ld) == "abd foo \n");
    CHECK(type(ld, "junk\x15") == "junk\b \b\b \b\b \b\b \b");
    CHECK(type(ld, "\x7f") == ""); // nothing left to erase
    type(ld, "ok\n");
    CHECK(read_all(ld) == "ok\n");
}

TEST_CASE("a control character echoes as ^X and erases as two columns")
{
    LineDiscipline ld;
    CHECK(type(ld, "\x01") == "^A");
    CHECK(type(ld, "\x7f") == "\b \b\b \b");
}

TEST_CASE("^V takes the next byte literally")
{
    LineDiscipline ld;
    CHECK(type(ld, "\x16\x03") == "^\b^C");
    CHECK(ld.take_signals() == 0);
    type(ld, "\n");
    CHECK(read_all(ld) == "\x03\n");
}

TEST_CASE("^D ends a line without itself, and on an empty line reads as end of file")
{
    LineDiscipline ld;
    type(ld, "partial\x04");
    CHECK(read_all(ld) == "partial");
    type(ld, "\x04");
    CHECK(ld.is_readable(100));
    CHECK(read_all(ld) == "");
    CHECK_FALSE(ld.is_readable(100));
}

TEST_CASE("^C, ^\\ and ^Z raise SIGINT, SIGQUIT and SIGTSTP and flush the input unless NOFLSH")
{
    LineDiscipline ld;
    type(ld, "done\nhalf");
    CHECK(type(ld, "\x03") == "^C");
    CHECK(ld.take_signals() == (1ull << 2));
    CHECK(ld.take_signals() == 0);
    CHECK_FALSE(ld.is_readable(100));
    type(ld, "\x1c\x1a");
    CHECK(ld.take_signals() == ((1ull << 3) | (1ull << 20)));

    change(ld, noflsh, 0);
    type(ld, "kept\n\x03");
    CHECK(ld.take_signals() == (1ull << 2));
    CHECK(read_all(ld) == "kept\n");
}

TEST_CASE("without ECHO nothing is echoed, except a newline with ECHONL")
{
    LineDiscipline ld;
    change(ld, 0, echo_on);
    CHECK(type(ld, "secret\n") == "");
    change(ld, echonl, 0);
    CHECK(type(ld, "secret\n") == "\r\n");
}

TEST_CASE("raw mode: bytes are readable at once, VMIN bytes at a time, and the edit keys are data")
{
    LineDiscipline ld;
    change(ld, 0, icanon | echo_on);
    type(ld, "a\x7f");
    CHECK(ld.is_readable(100));
    CHECK(read_all(ld) == "a\x7f");

    auto termios = ld.termios();
    termios.cc[vmin] = 3;
    ld.set_termios(termios, false);
    type(ld, "xy");
    CHECK_FALSE(ld.is_readable(100));
    CHECK(ld.is_readable(2)); // a read of two bytes needs only two
    type(ld, "z");
    CHECK(ld.is_readable(100));
    termios.cc[vmin] = 0;
    ld.set_termios(termios, true); // TCSETSF drops what is pending
    CHECK(ld.bytes_ready() == 0);
    CHECK(ld.is_readable(100)); // VMIN 0: a read returns at once
}

TEST_CASE("leaving canonical mode makes the line being edited readable")
{
    LineDiscipline ld;
    type(ld, "abc");
    change(ld, 0, icanon);
    CHECK(read_all(ld) == "abc");
}

TEST_CASE("output processing: ONLCR under OPOST only")
{
    LineDiscipline ld;
    const u8 text[] = {'a', '\n', 'b'};
    std::vector<u8> out;
    ld.process_output(text, out);
    CHECK(std::string(out.begin(), out.end()) == "a\r\nb");
    auto termios = ld.termios();
    termios.oflag &= ~opost;
    ld.set_termios(termios, false);
    out.clear();
    ld.process_output(text, out);
    CHECK(std::string(out.begin(), out.end()) == "a\nb");
}

TEST_CASE("with IUTF8, erase takes a whole character")
{
    LineDiscipline ld;
    auto termios = ld.termios();
    termios.iflag |= iutf8;
    ld.set_termios(termios, false);
    type(ld, "x\xc3\xa9\x7f\n");
    CHECK(read_all(ld) == "x\n");
}

TEST_CASE("input beyond 4096 bytes is dropped, and the line can still end")
{
    LineDiscipline ld;
    type(ld, std::string(5000, 'a'));
    type(ld, "\n");
    std::string line = read_all(ld, 8192);
    CHECK(line.size() == 4096);
    CHECK(line.back() == '\n');
}

TEST_CASE("a serial line has no size until one is set, and a new size raises SIGWINCH")
{
    LineDiscipline ld;
    CHECK(ld.window_size().rows == 0);
    CHECK(ld.window_size().cols == 0);
    ld.set_window_size({40, 100, 0, 0});
    CHECK(ld.window_size().rows == 40);
    CHECK(ld.window_size().cols == 100);
    CHECK(ld.take_signals() == (1ull << 28));
    ld.set_window_size({40, 100, 0, 0}); // the same size: no signal
    CHECK(ld.take_signals() == 0);
}

TEST_CASE("VTIME: with VMIN 0 a read waits for one byte until the timer, with VMIN > 0 it is an inter-byte timer")
{
    LineDiscipline ld;
    change(ld, 0, icanon);
    CHECK(ld.read_timeout_ns() == 0);
    auto termios = ld.termios();
    termios.cc[vmin] = 0;
    termios.cc[vtime] = 10;
    ld.set_termios(termios, false);
    CHECK(ld.read_timeout_ns() == 1'000'000'000);
    CHECK_FALSE(ld.is_inter_byte_timer());
    CHECK_FALSE(ld.is_readable(100)); // waits (up to the timer) for a byte
    CHECK_FALSE(ld.can_poll_in());
    type(ld, "x");
    CHECK(ld.is_readable(100));
    CHECK(ld.can_poll_in());
    termios.cc[vmin] = 4;
    ld.set_termios(termios, false);
    CHECK(ld.is_inter_byte_timer());
    CHECK_FALSE(ld.is_readable(100));
    CHECK(ld.can_poll_in()); // with VTIME set, poll wants one byte
    change(ld, icanon, 0);
    CHECK(ld.read_timeout_ns() == 0); // canonical mode has no timer
}

TEST_CASE("IXON: ^S stops output and ^Q restarts it, neither is input; with IXANY any key restarts it")
{
    LineDiscipline ld;
    CHECK_FALSE(ld.is_output_stopped());
    CHECK(type(ld, "\x13") == "");
    CHECK(ld.is_output_stopped());
    type(ld, "a");
    CHECK(ld.is_output_stopped()); // no IXANY by default
    CHECK(type(ld, "\x11") == "");
    CHECK_FALSE(ld.is_output_stopped());
    type(ld, "\n");
    CHECK(read_all(ld) == "a\n");

    auto termios = ld.termios();
    termios.iflag |= ixany;
    ld.set_termios(termios, false);
    type(ld, "\x13");
    CHECK(ld.is_output_stopped());
    type(ld, "b");
    CHECK_FALSE(ld.is_output_stopped());
}
