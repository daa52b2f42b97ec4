#pragma once

#include <span>

#include "frame/result.h"
#include "frame/types.h"
#include "services/abi/signal.h"

namespace asterix::services {

class Context;

/// What a terminal does with a read, a write with TOSTOP or a change of its modes from a process
/// that is not in its foreground group (Linux's __tty_check_change).
enum class JobAccess : u8 {
    allow,      ///< not the caller's controlling terminal, the caller is in the foreground, or it
                ///< ignores or blocks SIGTTOU
    stop_group, ///< the signal goes to the caller's whole group; the call restarts when it runs again
    fail,       ///< EIO: the group is orphaned (nobody would continue it), or it ignores or blocks SIGTTIN
};

/// The calling process as job control sees it.
struct JobCaller {
    i32 sid;
    i32 pgid;
    bool is_signal_ignored; ///< the signal in question is ignored, or blocked by the calling thread
    bool is_group_orphaned;
};

/// A process as the orphaned-group check sees it.
struct JobMember {
    i32 pgid;
    i32 sid;
    bool has_exited;
    bool has_parent;
    i32 parent_pgid;
    i32 parent_sid;
};

/// POSIX: a process group is orphaned when no living member has a parent in another group of
/// the same session, so no shell is left to continue it after a stop. Unlike Linux, a parent that
/// is pid 1 counts: under asterix pid 1 is usually the user's shell, not an init.
bool is_orphaned_group(i32 pgid, std::span<const JobMember> processes);

/// Sends the signals in `signals` (a bit mask by signal number) to every living process of
/// group `pgrp` (none for 0).
void signal_process_group(i32 pgrp, u64 signals);

/// Job control for one terminal: the session it is the controlling terminal of, the foreground
/// process group, SIGTTIN and SIGTTOU for the background, the terminal's signals to the
/// foreground, and the hangup when the controlling process exits. Every kind of terminal (the
/// hosted console, the serial line, later each pty slave) has one, beside its driver: drivers
/// never see sessions, and a pty pair only has to own a JobControl for its slave side.
/// The controlling terminal of a process is the one whose session is the process's session (a
/// session has at most one, a terminal belongs to at most one session), so Process needs no field.
class JobControl {
public:
    JobControl();
    ~JobControl();
    JobControl(const JobControl&) = delete;
    JobControl& operator=(const JobControl&) = delete;

    i32 session() const { return m_session; }
    i32 foreground_pgrp() const { return m_foreground_pgrp; }
    /// Makes this the controlling terminal of `session`, with `pgrp` in the foreground (at boot
    /// for the console and the first process; TIOCSCTTY).
    void attach(i32 session, i32 pgrp);

    /// Whether the calling process is in this terminal's session but not in its foreground.
    bool is_caller_in_background() const;

    /// The pure decision for `caller` and `sig` (SIGTTIN for reads, SIGTTOU for the rest).
    JobAccess access(const JobCaller& caller, int sig) const;
    /// The checks on the calling thread: OK, ERESTARTSYS after stopping its group, or EIO.
    /// check_read before a read; check_change before a write when TOSTOP is set, and before a
    /// change of the terminal's modes or foreground group.
    Result<void> check_read() const;
    Result<void> check_change() const;

    /// Sends the terminal's signals (^C, ^\, ^Z, SIGWINCH: a bit mask by signal number) to the
    /// foreground process group.
    void signal_foreground(u64 signals) const;

    /// Whether `request` is one of the job-control ioctls that ioctl() serves.
    static bool is_job_ioctl(u32 request);
    /// TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID (tty_ioctl(4)).
    Result<long> ioctl(Context& ctx, u32 request, u64 arg);

    /// The terminal hung up (a pty's master closed), as Linux's tty_vhangup: the session leader
    /// hears SIGHUP and SIGCONT, and the terminal belongs to no session any more.
    void hang_up_session();

    /// The controlling process of session `sid` exited: its terminal (if any) hangs up: SIGHUP
    /// and SIGCONT to the foreground group, and the terminal belongs to no session any more.
    static void on_session_leader_exit(i32 sid);

private:
    Result<void> check(abi::Signal sig) const;
    /// TIOCNOTTY by the session leader and its exit: the foreground group hears SIGHUP and SIGCONT.
    void hang_up();

    i32 m_session {0};
    i32 m_foreground_pgrp {0};
};

} // namespace asterix::services
