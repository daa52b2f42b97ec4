#pragma once

#include <span>
#include <string>

#include "frame/file_stat.h"
#include "frame/result.h"

namespace asterix::frame::console {

/// Called at a safe point with the terminal signals (bit mask by number) the host delivered to
/// asterix: ^C, ^\, ^Z and window changes meant for the guest's foreground process group.
void set_signal_hook(void (*hook)(u64 signals));
/// Called at a safe point with the signals (bit mask by number) a host process sent asterix
/// itself (hosted: `kill -TERM`), meant for the program the instance runs.
void set_forwarded_signal_hook(void (*hook)(u64 signals));

/// What a console stream is, asked once at boot by the services to choose its driver.
enum class StreamKind : u8 {
    closed,        ///< asterix was started without it (the host fd is /dev/null now)
    host_file,     ///< a host pipe, file or device that is not a terminal: bytes as they are
    host_terminal, ///< a host terminal, which edits lines itself (the services pass through)
    raw_line,      ///< a raw byte line (bare metal: the serial port), on which the services run
                   ///< the terminal's line discipline themselves
};
/// `stream` is 0, 1 or 2; anything else is closed.
StreamKind stream_kind(int stream);
/// Raw line: called at a safe point when bytes arrived (also while nobody reads), so that the
/// services can echo them and act on ^C.
void set_input_hook(void (*hook)());

/// The console is the three streams asterix itself was given (0 in, 1 out, 2 err), as they
/// are: a terminal, a pipe or a file. `stream` is 0, 1 or 2. On a raw line, all three are the
/// line: reads and writes move bytes as they are, and the terminal calls below are ENOTTY.

/// Reads what is available, blocking the calling task (not the kernel) until some is.
Result<usize> read(int stream, std::span<u8> dst);
Result<usize> write(int stream, std::span<const u8> src);
Result<FileStat> stat(int stream);
/// lseek on the stream, when it is a file (ESPIPE for pipes and terminals, as on the host).
Result<i64> seek(int stream, i64 offset, int whence);
/// Bytes ready to read (FIONREAD).
Result<int> bytes_ready(int stream);
/// poll(2) readiness of the stream on the host now (POLLIN, POLLOUT, POLLHUP, POLLERR bits).
u32 poll(int stream);
/// What the stream is on the host ("/dev/pts/3", "pipe:[123]", a file's path), for /proc.
std::string describe(int stream);
/// fsync/fdatasync on the stream (EINVAL for pipes and terminals, as on the host).
Result<void> sync(int stream, bool is_data_only);
/// The open(2) status flags the stream was opened with (O_RDONLY, O_RDWR, O_APPEND...).
u32 status_flags(int stream);

/// Terminal attributes in Linux's struct termios layout (ENOTTY when not a terminal).
struct Termios {
    u32 iflag, oflag, cflag, lflag;
    u8 line;
    u8 cc[19];
};
Result<Termios> get_termios(int stream);
Result<void> set_termios(int stream, const Termios& termios, int when);

struct WinSize {
    u16 rows, cols, xpixel, ypixel;
};
Result<WinSize> window_size(int stream);
/// TIOCSWINSZ. A change sends SIGWINCH to the foreground process group (the terminal does it:
/// the host's, or the bare-metal line discipline).
Result<void> set_window_size(int stream, const WinSize& size);

} // namespace asterix::frame::console
