#pragma once

#include <deque>

#include "frame/task.h"
#include "services/fs/file.h"
#include "services/tty/line_discipline.h"
#include "services/tty/tty.h"

namespace asterix::services {

class Dentry;
class RamInode;

/// The slave side of a pseudo-terminal pair, as Linux's pty driver under N_TTY: the services'
/// LineDiscipline sits between the two ends exactly as over the serial line, with the master as
/// the far end of the line. What the master writes is the line's input (edited, echoed, turned
/// into signals); what the slave writes, after output processing, and the echoes wait in the
/// master's read buffer. The pair lives as long as a file of either side: both the master file
/// and the slave's TerminalFiles hold the Tty that owns this driver.
class PtyDriver final : public TtyDriver {
public:
    /// What either direction holds before its writer waits (Linux's pty buffers are about this).
    static constexpr usize buffer_bytes = 65536;

    PtyDriver(u32 index, Ref<RamInode> slave_inode);
    ~PtyDriver() override;

    // The slave side.
    Result<usize> read(std::span<u8> dst) override;
    Result<usize> write(std::span<const u8> src) override;
    Result<int> bytes_ready() override;
    u32 poll_events() override;
    /// Both sides announce every change on the driver's one poll queue: what one side does
    /// (write, read, close) is what changes the other's readiness.
    bool is_polled_by_time() const override { return false; }
    Result<frame::console::Termios> termios() override;
    Result<void> set_termios(const frame::console::Termios& termios, int when) override;
    Result<frame::console::WinSize> window_size() override;
    Result<void> set_window_size(const frame::console::WinSize& size) override;
    Result<frame::FileStat> stat() override;
    std::string description() override;
    bool would_block_read() override;
    bool would_block_write() override;
    void on_file_opened() override;
    void on_file_closed() override;

    // The master side.
    Result<usize> master_read(std::span<u8> dst, bool is_nonblocking);
    Result<usize> master_write(std::span<const u8> src, bool is_nonblocking);
    u32 master_poll_events() const;
    usize master_bytes_ready() const { return m_to_master.size(); }
    /// The master's last file closed: the slave hangs up (reads end, writes fail with EIO).
    void close_master();

    u32 index() const { return m_index; }
    bool is_master_open() const { return m_is_master_open; }
    /// TIOCSPTLCK: a locked slave cannot be opened (EIO); a new pair starts locked.
    bool is_locked() const { return m_is_locked; }
    void set_locked(bool is_locked) { m_is_locked = is_locked; }
    /// TIOCPKT: master reads start with a status byte.
    bool is_packet_mode() const { return m_is_packet_mode; }
    void set_packet_mode(bool is_packet_mode) { m_is_packet_mode = is_packet_mode; }
    /// The master's own termios (TCGETS/TCSETS on the master): kept, never applied, as Linux's
    /// master side has no line processing worth the name.
    frame::console::Termios& master_termios() { return m_master_termios; }
    const Ref<RamInode>& slave_inode() const { return m_slave_inode; }

private:
    bool is_hung_up() const { return !m_is_master_open; }
    /// Queues bytes for the master's reader and wakes it.
    void send_to_master(std::span<const u8> bytes);
    void wake_pollers();

    u32 m_index;
    Ref<RamInode> m_slave_inode;
    LineDiscipline m_line;
    frame::console::Termios m_master_termios;
    std::deque<u8> m_to_master;
    frame::WaitQueue m_slave_readers;  ///< input arrived, or the master hung up
    frame::WaitQueue m_slave_writers;  ///< the master read, or ^Q
    frame::WaitQueue m_master_readers; ///< the slave wrote or echoed, or its last file closed
    frame::WaitQueue m_master_writers; ///< the slave read its input
    u32 m_slave_files {0};
    bool m_is_master_open {true};
    /// Every slave file closed after one was open: master reads end with EIO (Linux's
    /// TTY_OTHER_CLOSED); opening the slave again clears it.
    bool m_is_slave_closed {false};
    bool m_is_locked {true};
    bool m_is_packet_mode {false};
};

/// The master side of a pty pair: what /dev/ptmx opens.
class PtyMasterFile final : public File {
public:
    PtyMasterFile(Ref<Tty> tty, PtyDriver& driver, Ref<Dentry> ptmx, u32 status_flags);
    ~PtyMasterFile() override;

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<frame::FileStat> stat() override;
    Result<long> ioctl(Context& ctx, u32 request, u64 arg) override;
    Result<i64> seek(i64, Whence) override { return Errno::espipe; }
    Result<int> bytes_ready() override { return static_cast<int>(m_driver.master_bytes_ready()); }
    u32 poll_events() override { return m_driver.master_poll_events(); }
    PollQueue* poll_queue() override { return &m_driver.poll_queue(); }
    Dentry* dentry() override;
    Inode* inode() override;
    std::string description() override { return "/dev/ptmx"; }

private:
    Ref<Tty> m_tty;
    PtyDriver& m_driver;
    Ref<Dentry> m_ptmx;
};

/// Opens the slave of the pair behind `tty` (a path open of /dev/pts/N, or TIOCGPTPEER): EIO
/// while the pair is locked or after the master closed.
Result<Ref<File>> open_pty_slave(const Ref<Tty>& tty, PtyDriver& driver, u32 status_flags);

} // namespace asterix::services
