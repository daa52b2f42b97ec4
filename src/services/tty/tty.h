#pragma once

#include <memory>
#include <span>
#include <string>

#include "frame/console.h"
#include "frame/file_stat.h"
#include "frame/ref.h"
#include "frame/result.h"
#include "services/fs/poll_queue.h"
#include "services/tty/job_control.h"

namespace asterix::services {

/// What a terminal is below job control, as Linux's tty_operations with its line discipline:
/// the hosted console (the host's terminal edits lines itself: pass-through), the bare-metal
/// serial line (the services' LineDiscipline over a byte line), later the slave side of a pty
/// pair (the same LineDiscipline over the master's buffers). A driver moves bytes and keeps the
/// modes and window size; sessions and the foreground group are its Tty's JobControl's business.
class TtyDriver {
public:
    virtual ~TtyDriver() = default;

    /// Reads what the terminal has for a reader: a line in canonical mode, otherwise as VMIN and
    /// VTIME say; blocks the calling task (interruptibly) until there is something.
    virtual Result<usize> read(std::span<u8> dst) = 0;
    /// Writes bytes out, after output processing; may take fewer than given.
    virtual Result<usize> write(std::span<const u8> src) = 0;
    /// FIONREAD.
    virtual Result<int> bytes_ready() = 0;
    /// poll(2) readiness now (POLLIN, POLLOUT, ...).
    virtual u32 poll_events() = 0;
    /// Whether readiness comes from the host's terminal, which tells the kernel nothing, so
    /// pollers look again from time to time; a driver that hears its input (the serial line)
    /// announces changes on poll_queue() instead.
    virtual bool is_polled_by_time() const { return true; }
    PollQueue& poll_queue() { return m_poll_queue; }
    virtual Result<frame::console::Termios> termios() = 0;
    /// `when` is 0 for TCSETS, 1 for TCSETSW (after output drains), 2 for TCSETSF (which also
    /// drops pending input).
    virtual Result<void> set_termios(const frame::console::Termios& termios, int when) = 0;
    virtual Result<frame::console::WinSize> window_size() = 0;
    /// TIOCSWINSZ; a change raises SIGWINCH for the foreground group.
    virtual Result<void> set_window_size(const frame::console::WinSize& size) = 0;
    virtual Result<frame::FileStat> stat() = 0;
    /// What /proc/PID/fd shows ("/dev/pts/3", "/dev/ttyS0").
    virtual std::string description() = 0;

    /// O_NONBLOCK: whether a read or a write would wait now. The console's drivers answer no
    /// (their reads and writes keep the host's or the line's own behaviour); a pty slave answers.
    virtual bool would_block_read() { return false; }
    virtual bool would_block_write() { return false; }
    /// A file of the terminal was opened or closed (a pty master hears when its slave is gone).
    virtual void on_file_opened() {}
    virtual void on_file_closed() {}

    /// Called once by the Tty that owns the driver: where the signals the driver raises go.
    void attach(JobControl& job_control) { m_job_control = &job_control; }

protected:
    /// Signals the driver raised (^C, ^\, ^Z, SIGWINCH; a mask by number) to the foreground.
    void raise_signals(u64 signals) const
    {
        if (signals && m_job_control)
            m_job_control->signal_foreground(signals);
    }

private:
    JobControl* m_job_control {nullptr};
    PollQueue m_poll_queue;
};

/// A terminal: a driver plus job control (Asterinas' Tty<D: TtyDriver>). Every open file of the
/// terminal (the console fds, /dev/tty) is a TerminalFile that shares it.
class Tty : public RefCounted<Tty> {
public:
    explicit Tty(std::unique_ptr<TtyDriver> driver);
    ~Tty();
    Tty(const Tty&) = delete;
    Tty& operator=(const Tty&) = delete;

    TtyDriver& driver() { return *m_driver; }
    JobControl& job_control() { return m_job_control; }

    /// The controlling terminal of session `sid`, or null (/proc/PID/stat's tty_nr and tpgid).
    static Tty* of_session(i32 sid);

private:
    JobControl m_job_control;
    std::unique_ptr<TtyDriver> m_driver;
};

} // namespace asterix::services
