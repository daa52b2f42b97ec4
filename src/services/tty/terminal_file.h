#pragma once

#include "services/fs/dentry.h"
#include "services/fs/file.h"
#include "services/fs/inode.h"
#include "services/tty/tty.h"

namespace asterix::services {

/// An open terminal, whatever its driver: job control first (SIGTTIN for a background read,
/// SIGTTOU for a background write with TOSTOP or a change of modes), then the driver.
class TerminalFile final : public File {
public:
    /// `name`, when given, is the node the terminal was opened by without being it (/dev/tty):
    /// fstat and the /proc/PID/fd name are that node's, as on Linux.
    TerminalFile(Ref<Tty> tty, u32 status_flags, Ref<Dentry> name = {})
        : File(status_flags), m_tty(std::move(tty)), m_name(std::move(name))
    {
        m_tty->driver().on_file_opened();
    }
    ~TerminalFile() override { m_tty->driver().on_file_closed(); }

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<frame::FileStat> stat() override { return m_name ? m_name->inode().stat() : m_tty->driver().stat(); }
    Result<long> ioctl(Context& ctx, u32 request, u64 arg) override;
    // A terminal has no position and nothing to sync (ESPIPE and EINVAL, as Linux's tty files).
    Result<i64> seek(i64, Whence) override { return Errno::espipe; }
    Result<void> sync(bool) override { return Errno::einval; }
    Result<int> bytes_ready() override { return m_tty->driver().bytes_ready(); }
    u32 poll_events() override { return m_tty->driver().poll_events(); }
    PollQueue* poll_queue() override
    {
        return m_tty->driver().is_polled_by_time() ? nullptr : &m_tty->driver().poll_queue();
    }
    bool is_polled_by_time() override { return m_tty->driver().is_polled_by_time(); }
    std::string description() override { return m_name ? m_name->path() : m_tty->driver().description(); }

private:
    Ref<Tty> m_tty;
    Ref<Dentry> m_name;
};

/// /dev/tty (`node`): the calling process's controlling terminal (Linux's
/// tty_open_current_tty), the console or a pty slave; ENXIO for a process whose session has none.
Result<Ref<File>> open_controlling_terminal(const Ref<Dentry>& node, u32 status_flags);

} // namespace asterix::services
