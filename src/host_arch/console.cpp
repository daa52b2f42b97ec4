// The console on the host: asterix's own fds 0-2, whatever they are (terminal, pipe, file).

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstring>

#include "frame/arch.h"
#include "frame/console.h"
#include "frame/internal.h"
#include "host_arch/host.h"

namespace asterix {

namespace {
bool g_is_stream_open[3] = {true, true, true};
/// The host terminal's modes when asterix started, restored on exit.
termios g_saved_termios {};
int g_saved_termios_fd = -1;

[[noreturn]] void on_fatal_host_signal(int sig) { host::die_of_signal(sig); }

bool valid_stream(int stream) { return stream >= 0 && stream < 3 && g_is_stream_open[stream]; }
} // namespace

void host::restore_console()
{
    if (g_saved_termios_fd >= 0)
        tcsetattr(g_saved_termios_fd, TCSANOW, &g_saved_termios);
}

void host::die_of_signal(int sig)
{
    host::restore_console();
    signal(sig, SIG_DFL);
    raise(sig);
    _exit(128 + sig);
}

void host::init_console()
{
    // Descriptors asterix inherited beyond 0-2 are nobody's business in the guest; closing them
    // keeps the host files they name from being held open for as long as the guest runs.
    syscall(SYS_close_range, 3, ~0u, 0);
    for (int fd = 0; fd < 3; ++fd) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        g_is_stream_open[fd] = false;
        int null_fd = open("/dev/null", O_RDWR);
        if (null_fd >= 0 && null_fd != fd) {
            dup2(null_fd, fd);
            close(null_fd);
        }
    }
    // A guest may put the terminal in raw mode (readline, editors): whatever happens to asterix,
    // the host terminal gets its modes back.
    for (int fd = 0; fd < 3; ++fd) {
        if (g_is_stream_open[fd] && isatty(fd) && tcgetattr(fd, &g_saved_termios) == 0) {
            g_saved_termios_fd = fd;
            break;
        }
    }
    struct sigaction fatal {};
    fatal.sa_handler = on_fatal_host_signal;
    sigemptyset(&fatal.sa_mask);
    for (int sig : {SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL})
        sigaction(sig, &fatal, nullptr);
}

namespace frame::console {

StreamKind stream_kind(int stream)
{
    if (!valid_stream(stream))
        return StreamKind::closed;
    // The host's terminal edits lines itself; a pipe or a file is only bytes.
    return isatty(stream) ? StreamKind::host_terminal : StreamKind::host_file;
}

Result<usize> read(int stream, std::span<u8> dst)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    for (;;) {
        // Stream 0 may be a pipe or a terminal: wait for input as a task, not as the kernel.
        if (stream == 0 && !arch::console_input_ready()) {
            console_input_waiters().wait();
            continue;
        }
        ssize_t n = ::read(stream, dst.data(), dst.size());
        if (n >= 0)
            return static_cast<usize>(n);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN && stream == 0) {
            console_input_waiters().wait();
            continue;
        }
        return host::errno_from_host(errno);
    }
}

Result<usize> write(int stream, std::span<const u8> src)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    for (;;) {
        ssize_t n = ::write(stream, src.data(), src.size());
        if (n >= 0)
            return static_cast<usize>(n);
        if (errno != EINTR)
            return host::errno_from_host(errno);
    }
}

Result<FileStat> stat(int stream)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    return host::stat_fd(stream);
}

Result<i64> seek(int stream, i64 offset, int whence)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    off_t pos = lseek(stream, offset, whence);
    if (pos < 0)
        return host::errno_from_host(errno);
    return static_cast<i64>(pos);
}

std::string describe(int stream)
{
    char target[4096];
    std::string link = "/proc/self/fd/" + std::to_string(stream);
    ssize_t n = valid_stream(stream) ? readlink(link.c_str(), target, sizeof target) : -1;
    return n > 0 ? std::string(target, static_cast<usize>(n)) : std::string("/dev/null");
}

u32 poll(int stream)
{
    if (!valid_stream(stream))
        return POLLNVAL;
    pollfd fd {stream, POLLIN | POLLOUT, 0};
    if (::poll(&fd, 1, 0) < 0)
        return 0;
    return static_cast<u32>(fd.revents);
}

Result<void> sync(int stream, bool is_data_only)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    if ((is_data_only ? fdatasync(stream) : fsync(stream)) != 0)
        return host::errno_from_host(errno);
    return {};
}

Result<int> bytes_ready(int stream)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    int count = 0;
    if (ioctl(stream, FIONREAD, &count) != 0)
        return host::errno_from_host(errno);
    return count;
}

u32 status_flags(int stream)
{
    int flags = valid_stream(stream) ? fcntl(stream, F_GETFL) : -1;
    return flags < 0 ? 0 : static_cast<u32>(flags) & ~static_cast<u32>(O_LARGEFILE);
}

Result<Termios> get_termios(int stream)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    termios host {};
    if (tcgetattr(stream, &host) != 0)
        return host::errno_from_host(errno);
    Termios out {};
    out.iflag = host.c_iflag;
    out.oflag = host.c_oflag;
    out.cflag = host.c_cflag;
    out.lflag = host.c_lflag;
    out.line = host.c_line;
    static_assert(sizeof out.cc <= sizeof host.c_cc);
    std::memcpy(out.cc, host.c_cc, sizeof out.cc);
    return out;
}

Result<void> set_termios(int stream, const Termios& termios_in, int when)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    termios host {};
    if (tcgetattr(stream, &host) != 0)
        return host::errno_from_host(errno);
    host.c_iflag = termios_in.iflag;
    host.c_oflag = termios_in.oflag;
    host.c_cflag = termios_in.cflag;
    host.c_lflag = termios_in.lflag;
    host.c_line = termios_in.line;
    std::memcpy(host.c_cc, termios_in.cc, sizeof termios_in.cc);
    if (tcsetattr(stream, when, &host) != 0)
        return host::errno_from_host(errno);
    return {};
}

Result<WinSize> window_size(int stream)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    winsize host {};
    if (ioctl(stream, TIOCGWINSZ, &host) != 0)
        return host::errno_from_host(errno);
    return WinSize {host.ws_row, host.ws_col, host.ws_xpixel, host.ws_ypixel};
}

Result<void> set_window_size(int stream, const WinSize& size)
{
    if (!valid_stream(stream))
        return Errno::ebadf;
    winsize host {size.rows, size.cols, size.xpixel, size.ypixel};
    if (ioctl(stream, TIOCSWINSZ, &host) != 0)
        return host::errno_from_host(errno);
    return {};
}

} // namespace frame::console

} // namespace asterix
