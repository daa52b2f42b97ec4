#pragma once

#include "frame/ref.h"
#include "services/fs/file.h"

namespace asterix::services {

class Process;
class Thread;

/// A pidfd (pidfd_open(2), clone(2) CLONE_PIDFD): a file that refers to one process, even
/// after its id is reused. It is readable (POLLIN) once the process has exited, and POLLHUP
/// joins once it has been reaped. It has no read or write (EINVAL).
///
/// A thread pidfd (PIDFD_THREAD, CLONE_PIDFD|CLONE_THREAD; O_EXCL in its status flags) names one
/// thread of the process: a non-leader's is readable and hung up once that thread is gone (it
/// is released at once), a leader's behaves as the process's pidfd (Linux 6.15 and later keep
/// the leader until its whole group has exited).
class PidFile final : public File {
public:
    /// A pidfd for `process`, or with `thread_id` for that thread of it.
    PidFile(Ref<Process> process, u32 status_flags, i32 thread_id = 0);
    ~PidFile() override;

    Process& process() { return *m_process; }
    /// Whether the process has been reaped (waited for): its id may now name another.
    bool is_reaped();
    bool is_thread() const { return m_thread_id != 0; }
    /// The id the pidfd names: the thread's for a thread pidfd, else the process's.
    i32 id() const;
    /// For a thread pidfd, the thread while it runs (null once it is gone); else null.
    Thread* thread();
    /// Whether what the pidfd names is gone: a thread pidfd's non-leader thread has finished,
    /// or the process has been reaped.
    bool is_gone();

    Result<usize> read(frame::UserWriter& out) override { return Errno::einval; }
    Result<usize> write(frame::UserReader& in) override { return Errno::einval; }
    Result<frame::FileStat> stat() override;
    u32 poll_events() override;
    PollQueue* poll_queue() override { return &m_poll_queue; }
    PidFile* as_pidfd() override { return this; }
    std::string description() override;

    /// The process has exited or been reaped: its pidfds' pollers hear it.
    static void notify_exit(const Process& process);
    /// The thread has finished: its thread pidfds' pollers hear it.
    static void notify_thread_exit(const Process& process, i32 tid);

private:
    Ref<Process> m_process;
    i32 m_thread_id {0};
    bool m_is_thread_gone {false};
    PollQueue m_poll_queue;
};

} // namespace asterix::services
