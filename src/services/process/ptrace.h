#pragma once

#include <array>
#include <optional>

#include "frame/ref.h"
#include "frame/task.h"
#include "services/abi/signal.h"

namespace asterix::services {

class Process;
class Thread;

/// How a ptrace-stopped tracee was resumed (PTRACE_CONT, SYSCALL, SINGLESTEP, SYSEMU, LISTEN).
enum class PtraceResume : u8 { cont, syscall, singlestep, sysemu, sysemu_singlestep, listen };

/// What kind of ptrace-stop a tracee is in (none: it runs).
enum class PtraceStop : u8 { none, signal_delivery, group, syscall_entry, syscall_exit, event };

/// The tie between one traced thread and its tracer (a process: any of its threads may wait for
/// and command the tracee). Shared by the tracee's Thread, which holds it while traced, and the
/// tracer's list of tracees, which keeps it after the tracee's end until the tracer has waited
/// for that end.
class PtraceLink : public RefCounted<PtraceLink> {
public:
    PtraceLink(Thread& tracee, Process& tracer, bool is_seized, u64 options);
    ~PtraceLink();

    /// The traced thread; null once it has ended.
    Thread* tracee() const { return m_tracee; }
    i32 tid() const { return m_tid; }
    /// The tracee's process id.
    i32 tgid() const { return m_tgid; }
    Process& tracer() const { return *m_tracer; }
    bool is_seized() const { return m_is_seized; }
    u64 options() const { return m_options; }
    void set_options(u64 options) { m_options = options; }
    bool has_option(u64 option) const { return (m_options & option) != 0; }

    /// The stop the tracee is in, what wait reports for it (a wait status), and whether the
    /// tracer has yet to hear of it.
    PtraceStop stop() const { return m_stop; }
    bool is_stopped() const { return m_stop != PtraceStop::none; }
    int stop_status() const { return m_stop_status; }
    bool has_stop_to_report() const { return m_has_stop_to_report; }
    void take_stop_report() { m_has_stop_to_report = false; }
    /// The siginfo of the stop (GETSIGINFO/SETSIGINFO) and the event message (GETEVENTMSG).
    abi::SigInfo& siginfo() { return m_siginfo; }
    u64 event_message() const { return m_event_message; }
    void set_event_message(u64 message) { m_event_message = message; }

    /// The tracee enters a stop: the tracer has it to report.
    void enter_stop(PtraceStop kind, int status, const abi::SigInfo& info);
    /// The tracer resumes the tracee with `mode`, delivering `sig` (0: none) from a
    /// signal-delivery stop.
    void resume(PtraceResume mode, int sig);
    PtraceResume resume_mode() const { return m_resume_mode; }
    int resume_signal() const { return m_resume_signal; }
    /// The tracee waits here while stopped.
    frame::WaitQueue& resumed() { return m_resumed; }

    /// PTRACE_INTERRUPT (or a seizing attach) asked for a PTRACE_EVENT_STOP.
    bool has_interrupt_pending() const { return m_has_interrupt_pending; }
    void set_interrupt_pending(bool is_pending) { m_has_interrupt_pending = is_pending; }
    /// The current group stop has been reported (a traced thread reports each once).
    bool has_reported_group_stop() const { return m_has_reported_group_stop; }
    void set_reported_group_stop(bool is_reported) { m_has_reported_group_stop = is_reported; }
    /// The tracer set the trap flag for a single step: the trap clears it again.
    bool has_set_trap_flag() const { return m_has_set_trap_flag; }
    void set_has_set_trap_flag(bool is_set) { m_has_set_trap_flag = is_set; }

    /// The tracee ended with a wait status; the tracer has yet to wait for it.
    bool has_exited() const { return m_has_exited; }
    int exit_status() const { return m_exit_status; }
    void mark_exited(int status);
    /// The tracer lets go (detach, the tracee's end reaped): the tracee no longer refers here.
    void forget_tracee() { m_tracee = nullptr; }

private:
    Thread* m_tracee;
    i32 m_tid;
    i32 m_tgid;
    Ref<Process> m_tracer;
    bool m_is_seized;
    u64 m_options;
    PtraceStop m_stop {PtraceStop::none};
    int m_stop_status {0};
    bool m_has_stop_to_report {false};
    abi::SigInfo m_siginfo {};
    u64 m_event_message {0};
    PtraceResume m_resume_mode {PtraceResume::cont};
    int m_resume_signal {0};
    frame::WaitQueue m_resumed;
    bool m_has_interrupt_pending {false};
    bool m_has_reported_group_stop {false};
    bool m_has_set_trap_flag {false};
    bool m_has_exited {false};
    int m_exit_status {0};
};

/// Makes `tracer` trace `tracee` (TRACEME, ATTACH, SEIZE, an auto-attached child).
Ref<PtraceLink> ptrace_link(Thread& tracee, Process& tracer, bool is_seized, u64 options);
/// Ends the tracing of `tracee` (DETACH, the tracer's end): it runs on, delivering `sig`.
void ptrace_unlink(Thread& tracee, int sig);

/// Blocks the calling tracee in a ptrace-stop reported to its tracer with `status`, until the
/// tracer resumes it, detaches or it is killed.
void ptrace_stop(Thread& thread, PtraceStop kind, int status, const abi::SigInfo& info);

/// The syscall-entry and syscall-exit stops of a tracee resumed with PTRACE_SYSCALL (nothing
/// for others). The entry stop returns whether the syscall is to be skipped (SYSEMU, or the
/// tracer set its number to -1).
bool ptrace_syscall_entry(Thread& thread);
void ptrace_syscall_exit(Thread& thread);

/// A signal-delivery stop for `info`, taken from the tracee's pending signals: the signal the
/// tracer lets through (0: none) with its siginfo in `info`. Not for SIGKILL.
int ptrace_signal_stop(Thread& thread, abi::SigInfo& info);

/// What a traced thread does before it takes signals: a PTRACE_INTERRUPT's stop, the report of
/// a group stop, or waiting in PTRACE_LISTEN. True when it stopped (the caller looks again).
bool ptrace_job_control(Thread& thread);

/// An event stop (PTRACE_EVENT_*) when the tracee's options ask for `event`, with `message`.
/// Returns whether it stopped.
bool ptrace_event(Thread& thread, int event, u64 message);

/// A new thread or process made by `parent`'s clone: traced as the options (or CLONE_PTRACE)
/// say, starting with the stop a new tracee starts with. Then the parent's event stop.
void ptrace_clone_child(Thread& parent, Thread& child, u64 clone_flags, int exit_signal);
void ptrace_clone_event(Thread& parent, i32 child_tid, u64 clone_flags, int exit_signal);

/// exec succeeded: PTRACE_EVENT_EXEC, or the SIGTRAP of a classic tracee.
void ptrace_exec(Thread& thread, i32 former_tid);

/// A traced thread ends with `status`: its tracer hears of it (PTRACE_EVENT_EXIT first, when
/// asked).
void ptrace_thread_exit_event(Thread& thread, int status);
void ptrace_thread_finished(Thread& thread, int status, bool is_last_thread);

/// The tracer waited for the end of a tracee that is not its child: the link goes, and the
/// tracee's parent may now hear of it.
void ptrace_reap(Process& tracer, PtraceLink& link);

/// Whether a thread of `process` is traced by `tracer`.
bool is_traced_by(const Process& process, const Process& tracer);

/// The tracer's process ended: every tracee is detached (or killed with PTRACE_O_EXITKILL).
void ptrace_tracer_exited(Process& tracer);

/// A fault's SIGTRAP after a single step the tracer asked for: the trap flag it set goes.
void ptrace_single_step_trapped(Thread& thread);

} // namespace asterix::services
