// The tracee's side of ptrace(2): its stops (signal-delivery, group, syscall, event), how the
// tracer hears of them and of the tracee's end, and what clone, exec and exit do to a tracee.

#include "services/process/ptrace.h"

#include <algorithm>

#include "frame/boot.h"
#include "services/abi/ptrace.h"
#include "services/abi/sched.h"
#include "services/abi/unistd.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

PtraceLink::PtraceLink(Thread& tracee, Process& tracer, bool is_seized, u64 options)
    : m_tracee(&tracee), m_tid(tracee.tid()), m_tgid(tracee.process().pid()), m_tracer(Ref<Process>(&tracer)),
      m_is_seized(is_seized), m_options(options)
{
}

PtraceLink::~PtraceLink() = default;

void PtraceLink::enter_stop(PtraceStop kind, int status, const abi::SigInfo& info)
{
    m_stop = kind;
    m_stop_status = status;
    m_has_stop_to_report = true;
    m_siginfo = info;
}

void PtraceLink::resume(PtraceResume mode, int sig)
{
    m_stop = PtraceStop::none;
    m_has_stop_to_report = false;
    m_resume_mode = mode;
    m_resume_signal = sig;
    m_resumed.wake_all();
}

void PtraceLink::mark_exited(int status)
{
    m_has_exited = true;
    m_exit_status = status;
    m_stop = PtraceStop::none;
    m_has_stop_to_report = false;
}

namespace {

using abi::ptrace_event_stop;

/// The tracer hears of a change of its tracee: SIGCHLD (unless it asked for none with
/// SA_NOCLDSTOP, for stops), and its waits look again.
void notify_tracer(PtraceLink& link, int code, int status)
{
    Process& tracer = link.tracer();
    if (tracer.has_exited() || tracer.is_exiting())
        return;
    const auto& action = tracer.sighand()->actions[sigchld - 1];
    bool is_stop = code == abi::cld_trapped || code == abi::cld_stopped;
    if (!is_stop || !(action.flags & sa_nocldstop)) {
        u32 uid = 0;
        if (Process* tracee = ProcessTable::find(link.tgid()))
            uid = tracee->credentials().uid;
        auto info = make_signal_info(sigchld, code, link.tid(), uid);
        info.set_status(status);
        send_signal(tracer, info);
    }
    tracer.child_event().wake_all();
}

/// The siginfo of a stop the kernel makes (syscall and event stops): SIGTRAP with the stop's
/// code, from the tracee itself, as Linux's ptrace_do_notify.
abi::SigInfo trap_info(Thread& thread, int code)
{
    return make_signal_info(sigtrap, code, thread.tid(), thread.credentials().uid);
}

void remove_link(Process& tracer, PtraceLink& link)
{
    auto& tracees = tracer.tracees();
    tracees.erase(std::remove_if(tracees.begin(), tracees.end(), [&](const Ref<PtraceLink>& each) { return each.ptr() == &link; }),
        tracees.end());
}

/// A process whose end was held for its tracer: its parent may now hear of it.
void release_held_exit(i32 tgid)
{
    Process* process = ProcessTable::find(tgid);
    if (!process || !process->is_exit_held_by_tracer())
        return;
    process->set_exit_held_by_tracer(false);
    if (Process* parent = process->parent())
        parent->child_event().wake_all();
}

/// The tracer waited for (or let go of) the end of a thread that is not its process's leader:
/// the process's own end may now be reported, once no other such thread remains.
void release_thread_end(const PtraceLink& link)
{
    if (link.tid() == link.tgid() || !link.has_exited())
        return;
    Process* process = ProcessTable::find(link.tgid());
    if (!process || !process->has_unreaped_traced_threads())
        return;
    process->remove_unreaped_traced_thread();
    if (process->has_exited() && !process->has_unreaped_traced_threads())
        if (Process* parent = process->parent())
            parent->child_event().wake_all();
}

enum class StopWhileExiting : u8 { no, yes };

void stop_and_wait(Thread& thread, PtraceStop kind, int status, const abi::SigInfo& info, StopWhileExiting exiting)
{
    Ref<PtraceLink> link = thread.ptrace_link();
    if (!link)
        return;
    Process& process = thread.process();
    auto is_killed = [&] { return exiting == StopWhileExiting::no && (thread.is_exiting() || process.is_exiting()); };
    if (is_killed())
        return;
    link->enter_stop(kind, status, info);
    notify_tracer(*link, abi::cld_trapped, status >> 8);
    frame::current_task().wait_reason = "ptrace stop";
    while (link->is_stopped() && thread.ptrace_link() == link && !is_killed() && !frame::is_powering_off()
        && !link->tracer().is_exiting())
        link->resumed().wait_until(~0ull, frame::Interruptible::yes);
    frame::current_task().wait_reason = nullptr;
    if (link->is_stopped())
        link->resume(PtraceResume::cont, 0); // killed, or the tracer went: the stop is over
}

/// PTRACE_LISTEN: the tracee stays in its group stop, without a trap, until the group is
/// continued (or an INTERRUPT or a kill comes); then it traps again to tell the tracer.
void listen(Thread& thread, PtraceLink& link)
{
    Process& process = thread.process();
    while (process.is_stopped() && thread.ptrace_link().ptr() == &link && !link.has_interrupt_pending()
        && !thread.is_exiting() && !process.is_exiting() && !frame::is_powering_off())
        process.continued().wait_until(~0ull, frame::Interruptible::yes);
    if (thread.ptrace_link().ptr() == &link)
        link.set_interrupt_pending(true);
}

/// The PTRACE_EVENT_* a clone reports: a vfork, a fork (SIGCHLD at the child's end) or any
/// other clone, as Linux's kernel_clone decides.
int clone_event(u64 clone_flags, int exit_signal)
{
    if (clone_flags & abi::clone_vfork)
        return abi::ptrace_event_vfork;
    if (exit_signal != sigchld)
        return abi::ptrace_event_clone;
    return abi::ptrace_event_fork;
}

} // namespace

Ref<PtraceLink> ptrace_link(Thread& tracee, Process& tracer, bool is_seized, u64 options)
{
    auto link = make_ref<PtraceLink>(tracee, tracer, is_seized, options);
    tracee.set_ptrace_link(link);
    // A tracer must see the program's own bytes, and its single steps must not walk through
    // a patched syscall site: the process's patches are undone for good.
    if (const Ref<MemoryMap>& memory = tracee.process().memory())
        memory->vm().forbid_code_patching();
    tracer.tracees().push_back(link);
    return link;
}

void ptrace_unlink(Thread& tracee, int sig)
{
    Ref<PtraceLink> link = tracee.ptrace_link();
    if (!link)
        return;
    if (link->has_set_trap_flag())
        tracee.context().regs.eflags &= ~abi::eflags_trap;
    tracee.set_ptrace_link({});
    link->forget_tracee();
    remove_link(link->tracer(), *link);
    if (link->is_stopped())
        link->resume(PtraceResume::cont, sig);
    // A detached thread of a stopped group goes back to the group stop.
    if (tracee.task())
        tracee.task()->interrupt();
}

void ptrace_stop(Thread& thread, PtraceStop kind, int status, const abi::SigInfo& info)
{
    stop_and_wait(thread, kind, status, info, StopWhileExiting::no);
}

bool ptrace_syscall_entry(Thread& thread)
{
    Ref<PtraceLink> link = thread.ptrace_link();
    if (!link)
        return false;
    PtraceResume mode = link->resume_mode();
    bool is_sysemu = mode == PtraceResume::sysemu || mode == PtraceResume::sysemu_singlestep;
    if (mode != PtraceResume::syscall && !is_sysemu)
        return false;
    auto& regs = thread.context().regs;
    regs.rax = static_cast<u64>(-static_cast<i64>(Errno::enosys));
    link->set_event_message(abi::ptrace_eventmsg_syscall_entry);
    int code = sigtrap | (link->has_option(abi::ptrace_o_tracesysgood) ? 0x80 : 0);
    ptrace_stop(thread, PtraceStop::syscall_entry, (code << 8) | 0x7f, trap_info(thread, code));
    // PTRACE_SYSEMU: the tracer emulates the call, which the kernel then skips.
    return is_sysemu;
}

void ptrace_syscall_exit(Thread& thread)
{
    Ref<PtraceLink> link = thread.ptrace_link();
    if (!link || link->resume_mode() != PtraceResume::syscall)
        return;
    link->set_event_message(abi::ptrace_eventmsg_syscall_exit);
    int code = sigtrap | (link->has_option(abi::ptrace_o_tracesysgood) ? 0x80 : 0);
    ptrace_stop(thread, PtraceStop::syscall_exit, (code << 8) | 0x7f, trap_info(thread, code));
}

int ptrace_signal_stop(Thread& thread, abi::SigInfo& info)
{
    Ref<PtraceLink> link = thread.ptrace_link();
    if (!link)
        return info.signo;
    ptrace_stop(thread, PtraceStop::signal_delivery, (info.signo << 8) | 0x7f, info);
    if (thread.is_exiting() || thread.process().is_exiting())
        return 0;
    int sig = link->resume_signal();
    if (!sig)
        return 0;
    if (sig == link->siginfo().signo) {
        info = link->siginfo();
    } else {
        // Another signal than the one stopped for: it comes from the tracer (Linux's
        // ptrace_signal).
        Process& tracer = link->tracer();
        info = make_signal_info(abi::Signal::from_valid(sig), si_user, tracer.pid(), tracer.credentials().uid);
    }
    return sig;
}

bool ptrace_job_control(Thread& thread)
{
    Ref<PtraceLink> link = thread.ptrace_link();
    if (!link)
        return false;
    Process& process = thread.process();
    if (!process.is_stopped())
        link->set_reported_group_stop(false);
    int stop_bits = link->is_seized() ? (ptrace_event_stop << 16) : 0;
    if (process.is_stopped() && !link->has_reported_group_stop()) {
        link->set_reported_group_stop(true);
        link->set_interrupt_pending(false);
        int sig = process.stop_signal();
        ptrace_stop(thread, PtraceStop::group, (sig << 8) | 0x7f | stop_bits,
            make_signal_info(abi::Signal::from_valid(sig), si_user));
    } else if (link->has_interrupt_pending() && link->is_seized()) {
        link->set_interrupt_pending(false);
        int sig = process.is_stopped() ? process.stop_signal() : int {sigtrap};
        ptrace_stop(thread, PtraceStop::group, (sig << 8) | 0x7f | stop_bits,
            trap_info(thread, sigtrap | (ptrace_event_stop << 8)));
    } else {
        return false;
    }
    if (link->resume_mode() == PtraceResume::listen && thread.ptrace_link() == link)
        listen(thread, *link);
    return true;
}

bool ptrace_event(Thread& thread, int event, u64 message)
{
    Ref<PtraceLink> link = thread.ptrace_link();
    if (!link || !link->has_option(u64 {1} << event))
        return false;
    link->set_event_message(message);
    int code = sigtrap | (event << 8);
    stop_and_wait(thread, PtraceStop::event, (code << 8) | 0x7f, trap_info(thread, code),
        event == abi::ptrace_event_exit ? StopWhileExiting::yes : StopWhileExiting::no);
    return true;
}

void ptrace_clone_child(Thread& parent, Thread& child, u64 clone_flags, int exit_signal)
{
    const Ref<PtraceLink>& link = parent.ptrace_link();
    if (!link || (clone_flags & abi::clone_untraced))
        return;
    int event = clone_event(clone_flags, exit_signal);
    if (!(clone_flags & abi::clone_ptrace) && !link->has_option(u64 {1} << event))
        return;
    auto child_link = ptrace_link(child, link->tracer(), link->is_seized(), link->options());
    // A new tracee starts stopped: a seized one in PTRACE_EVENT_STOP, a classic one with a
    // SIGSTOP to report.
    if (child_link->is_seized())
        child_link->set_interrupt_pending(true);
    else
        child.pending().add(make_signal_info(sigstop, si_user), 0, abi::rlim_infinity);
}

void ptrace_clone_event(Thread& parent, i32 child_tid, u64 clone_flags, int exit_signal)
{
    if (clone_flags & abi::clone_untraced)
        return;
    ptrace_event(parent, clone_event(clone_flags, exit_signal), static_cast<u64>(child_tid));
}

void ptrace_exec(Thread& thread, i32 former_tid)
{
    const Ref<PtraceLink>& link = thread.ptrace_link();
    if (!link)
        return;
    // The new image has a fresh address space, where patching would be allowed again.
    if (const Ref<MemoryMap>& memory = thread.process().memory())
        memory->vm().forbid_code_patching();
    if (ptrace_event(thread, abi::ptrace_event_exec, static_cast<u64>(former_tid)))
        return;
    // A classic tracee without PTRACE_O_TRACEEXEC gets a SIGTRAP after exec.
    if (!link->is_seized())
        send_signal(thread, make_signal_info(sigtrap, si_user));
}

void ptrace_thread_exit_event(Thread& thread, int status)
{
    if (!thread.ptrace_link() || (status & 0x7f) == sigkill || frame::is_powering_off())
        return;
    ptrace_event(thread, abi::ptrace_event_exit, static_cast<u64>(status));
}

void ptrace_thread_finished(Thread& thread, int status, bool is_last_thread)
{
    Ref<PtraceLink> link = thread.ptrace_link();
    if (!link)
        return;
    thread.set_ptrace_link({});
    link->forget_tracee();
    Process& process = thread.process();
    Process& tracer = link->tracer();
    // The tracer's own child's end is what its wait for the child reports: once.
    if ((is_last_thread && process.parent() == &tracer) || tracer.is_exiting() || tracer.has_exited()) {
        remove_link(tracer, *link);
        tracer.child_event().wake_all();
        return;
    }
    link->mark_exited(status);
    if (is_last_thread && thread.tid() == process.pid())
        process.set_exit_held_by_tracer(true);
    else if (thread.tid() != process.pid())
        process.add_unreaped_traced_thread();
    int sig = status & 0x7f;
    notify_tracer(*link, sig ? ((status & 0x80) ? abi::cld_dumped : abi::cld_killed) : abi::cld_exited,
        sig ? sig : (status >> 8) & 0xff);
}

void ptrace_reap(Process& tracer, PtraceLink& link)
{
    Ref<PtraceLink> keep(&link);
    remove_link(tracer, link);
    if (link.tid() == link.tgid())
        release_held_exit(link.tgid());
    else
        release_thread_end(link);
}

void ptrace_tracer_exited(Process& tracer)
{
    auto tracees = std::move(tracer.tracees());
    tracer.tracees().clear();
    for (auto& link : tracees) {
        if (Thread* tracee = link->tracee()) {
            if (link->has_option(abi::ptrace_o_exitkill))
                send_signal(tracee->process(), make_signal_info(sigkill, si_user, tracer.pid()));
            // Put back so that the unlink finds it, then let go.
            tracer.tracees().push_back(link);
            ptrace_unlink(*tracee, 0);
        } else if (link->has_exited() && link->tid() == link->tgid()) {
            release_held_exit(link->tgid());
        } else {
            release_thread_end(*link);
        }
    }
    tracer.tracees().clear();
}

bool is_traced_by(const Process& process, const Process& tracer)
{
    for (const auto& thread : process.threads()) {
        if (thread->ptrace_link() && &thread->ptrace_link()->tracer() == &tracer)
            return true;
    }
    return false;
}

void ptrace_single_step_trapped(Thread& thread)
{
    const Ref<PtraceLink>& link = thread.ptrace_link();
    if (!link || !link->has_set_trap_flag())
        return;
    thread.context().regs.eflags &= ~abi::eflags_trap;
    link->set_has_set_trap_flag(false);
}

} // namespace asterix::services
