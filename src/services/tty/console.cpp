#include "services/tty/console.h"

#include <array>
#include <memory>

#include "frame/console.h"
#include "services/fs/host_stream_file.h"
#include "services/fs/inode.h"
#include "services/tty/host_terminal_driver.h"
#include "services/tty/serial_driver.h"
#include "services/tty/terminal_file.h"

namespace asterix::services {

namespace {
constexpr int stream_count = 3;

struct Console {
    std::array<frame::console::StreamKind, stream_count> kinds {};
    /// The terminal each stream is, if it is one; streams of the same host terminal share it.
    std::array<Ref<Tty>, stream_count> ttys;
    /// The first terminal: the first process's controlling terminal, /dev/tty and /dev/console.
    Ref<Tty> terminal;
    SerialDriver* serial {nullptr};
    /// Where the host's terminal signals go when no stream is a terminal (asterix run from a
    /// script, yet ^C'd or SIGWINCH'd): the first process's group.
    i32 first_group {0};
    /// Devfs's /dev/console, which the hosted console's terminal stats as.
    Ref<Inode> device_node;
};

Console& console()
{
    static Console state;
    return state;
}

void on_host_terminal_signals(u64 signals)
{
    auto& state = console();
    if (state.terminal)
        state.terminal->job_control().signal_foreground(signals);
    else
        signal_process_group(state.first_group, signals);
}

void on_serial_input()
{
    if (SerialDriver* serial = console().serial)
        serial->take_input();
}

/// Whether two host terminal streams are the same terminal (the same device).
bool is_same_device(int stream, int other)
{
    auto stat = frame::console::stat(stream);
    auto other_stat = frame::console::stat(other);
    return !stat.is_error() && !other_stat.is_error() && stat.value().rdev == other_stat.value().rdev;
}

Ref<Tty> make_host_terminal(int first_stream)
{
    // Reads go to a stream of this terminal that was opened for reading, writes to one opened
    // for writing; when none was, the first stream's host errors answer.
    int read_stream = -1;
    int write_stream = -1;
    for (int stream = first_stream; stream < stream_count; ++stream) {
        if (console().kinds[stream] != frame::console::StreamKind::host_terminal || !is_same_device(first_stream, stream))
            continue;
        u32 access = frame::console::status_flags(stream) & o_accmode;
        if (read_stream < 0 && access != o_wronly)
            read_stream = stream;
        if (write_stream < 0 && access != o_rdonly)
            write_stream = stream;
    }
    return make_ref<Tty>(std::make_unique<HostTerminalDriver>(read_stream < 0 ? first_stream : read_stream,
        write_stream < 0 ? first_stream : write_stream));
}
} // namespace

void init_console(i32 session)
{
    auto& state = console();
    state.first_group = session;
    for (int stream = 0; stream < stream_count; ++stream)
        state.kinds[stream] = frame::console::stream_kind(stream);
    for (int stream = 0; stream < stream_count; ++stream) {
        switch (state.kinds[stream]) {
        case frame::console::StreamKind::closed:
        case frame::console::StreamKind::host_file:
            break;
        case frame::console::StreamKind::host_terminal:
            for (int earlier = 0; earlier < stream && !state.ttys[stream]; ++earlier) {
                if (state.kinds[earlier] == frame::console::StreamKind::host_terminal && is_same_device(earlier, stream))
                    state.ttys[stream] = state.ttys[earlier];
            }
            if (!state.ttys[stream])
                state.ttys[stream] = make_host_terminal(stream);
            break;
        case frame::console::StreamKind::raw_line:
            // All raw-line streams are the one line.
            if (!state.serial) {
                auto driver = std::make_unique<SerialDriver>();
                state.serial = driver.get();
                state.ttys[stream] = make_ref<Tty>(std::move(driver));
            } else {
                for (int earlier = 0; earlier < stream && !state.ttys[stream]; ++earlier) {
                    if (state.kinds[earlier] == frame::console::StreamKind::raw_line)
                        state.ttys[stream] = state.ttys[earlier];
                }
            }
            break;
        }
        if (state.ttys[stream] && !state.terminal)
            state.terminal = state.ttys[stream];
    }
    if (state.terminal)
        state.terminal->job_control().attach(session, session);
    frame::console::set_signal_hook(on_host_terminal_signals);
    if (state.serial)
        frame::console::set_input_hook(on_serial_input);
}

Ref<File> open_console_stream(int stream)
{
    auto& state = console();
    if (stream < 0 || stream >= stream_count || state.kinds[stream] == frame::console::StreamKind::closed)
        return {};
    u32 flags = frame::console::status_flags(stream);
    if (state.ttys[stream])
        return make_ref<TerminalFile>(state.ttys[stream], flags);
    return make_ref<HostStreamFile>(stream, flags);
}

void set_console_device_node(Ref<Inode> node)
{
    if (!console().device_node)
        console().device_node = std::move(node);
}

frame::FileStat console_device_stat(const frame::FileStat& host)
{
    frame::FileStat st = host;
    auto node = console().device_node ? console().device_node->stat() : Result<frame::FileStat>(Errno::enoent);
    if (node.is_error()) {
        st.rdev = (u64 {console_device_major} << 8) | console_device_minor;
        return st;
    }
    frame::FileStat named = node.value();
    named.atime_sec = host.atime_sec;
    named.atime_nsec = host.atime_nsec;
    named.mtime_sec = host.mtime_sec;
    named.mtime_nsec = host.mtime_nsec;
    named.ctime_sec = host.ctime_sec;
    named.ctime_nsec = host.ctime_nsec;
    return named;
}

Result<Ref<File>> open_console_terminal(u32 status_flags)
{
    auto& state = console();
    if (!state.terminal)
        return Errno::enxio;
    return Ref<File>(make_ref<TerminalFile>(state.terminal, status_flags));
}

} // namespace asterix::services
