#pragma once

#include "frame/ref.h"
#include "services/fs/file.h"

namespace asterix::services {

class Process;

/// A pidfd (pidfd_open(2), clone(2) CLONE_PIDFD): a file that refers to one process, even
/// after its id is reused. It is readable (POLLIN) once the process has exited, and POLLHUP
/// joins once it has been reaped. It has no read or write (EINVAL).
class PidFile final : public File {
public:
    PidFile(Ref<Process> process, u32 status_flags);
    ~PidFile() override;

    Process& process() { return *m_process; }
    /// Whether the process has been reaped (waited for): its id may now name another.
    bool is_reaped();

    Result<usize> read(frame::UserWriter& out) override { return Errno::einval; }
    Result<usize> write(frame::UserReader& in) override { return Errno::einval; }
    Result<frame::FileStat> stat() override;
    u32 poll_events() override;
    PollQueue* poll_queue() override { return &m_poll_queue; }
    PidFile* as_pidfd() override { return this; }
    std::string description() override;

    /// The process has exited or been reaped: its pidfds' pollers hear it.
    static void notify_exit(const Process& process);

private:
    Ref<Process> m_process;
    PollQueue m_poll_queue;
};

} // namespace asterix::services
