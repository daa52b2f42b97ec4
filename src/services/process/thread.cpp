// The life of a guest thread: its loop, its start, and how threads and processes end.

#include <algorithm>
#include <string>

#include "frame/boot.h"
#include "frame/clock.h"
#include "frame/format.h"
#include "frame/log.h"
#include "frame/phys_mem.h"
#include "services/abi/ptrace.h"
#include "services/abi/resource.h"
#include "services/abi/sched.h"
#include "services/abi/signal.h"
#include "services/fs/attribute_epoch.h"
#include "services/mm/oom_kill.h"
#include "services/process/cpu_limit.h"
#include "services/process/itimer.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/strace.h"
#include "services/syscalls/syscall_table.h"

namespace asterix::services {

namespace {

const char* describe(frame::ExceptionKind kind)
{
    switch (kind) {
    case frame::ExceptionKind::page_fault: return "page fault";
    case frame::ExceptionKind::general_protection: return "general protection fault";
    case frame::ExceptionKind::invalid_opcode: return "invalid opcode";
    case frame::ExceptionKind::divide_error: return "arithmetic exception";
    case frame::ExceptionKind::breakpoint: return "breakpoint trap";
    case frame::ExceptionKind::debug: return "hardware breakpoint trap";
    case frame::ExceptionKind::bus_error: return "bus error";
    case frame::ExceptionKind::address_space_lost: return "loss of its address space";
    }
    return "exception";
}

/// The signal and si_code a fault raises, as Linux's traps give them.
abi::SigInfo fault_signal(const frame::ExceptionInfo& info)
{
    abi::SigInfo signal {};
    switch (info.kind) {
    case frame::ExceptionKind::page_fault:
        // What the fault handler decided for this fault, and nothing older.
        signal.signo = info.fault == frame::FaultOutcome::no_backing ? sigbus : sigsegv;
        signal.code = info.fault == frame::FaultOutcome::no_backing  ? abi::bus_adrerr
            : info.fault == frame::FaultOutcome::access_denied      ? abi::segv_accerr
                                                                     : abi::segv_maperr;
        signal.set_addr(info.addr);
        break;
    case frame::ExceptionKind::general_protection:
        signal.signo = sigsegv;
        signal.code = si_kernel;
        break;
    case frame::ExceptionKind::invalid_opcode:
        signal.signo = sigill;
        signal.code = abi::ill_illopn;
        signal.set_addr(info.addr);
        break;
    case frame::ExceptionKind::divide_error:
        signal.signo = sigfpe;
        signal.code = info.code ? info.code : abi::fpe_intdiv;
        signal.set_addr(info.addr);
        break;
    case frame::ExceptionKind::breakpoint:
        // int3 is SI_KERNEL; a single step (TRAP_TRACE) or a debug register (TRAP_HWBKPT)
        // keeps the backend's code, which a debugger tells them apart by.
        signal.signo = sigtrap;
        signal.code = info.code > 0 && info.code < si_kernel ? info.code : si_kernel;
        break;
    case frame::ExceptionKind::debug:
        // A debug register hit: TRAP_HWBKPT at the instruction pointer, as Linux's
        // send_sigtrap; the thread's DR6 says which register.
        signal.signo = sigtrap;
        signal.code = abi::trap_hwbkpt;
        signal.set_addr(info.addr);
        break;
    case frame::ExceptionKind::bus_error:
        signal.signo = sigbus;
        signal.code = info.code ? info.code : abi::bus_adrerr;
        signal.set_addr(info.addr);
        break;
    case frame::ExceptionKind::address_space_lost:
        signal.signo = sigkill;
        break;
    }
    return signal;
}

/// A Linux-style one-line report of a crash the default action is about to punish, like the
/// kernel's "segfault at ... ip ... sp ... error ... in prog[start+size]".
void report_crash(Thread& thread, const frame::ExceptionInfo& info, int sig)
{
    Process& process = thread.process();
    const auto& regs = thread.context().regs;
    std::string where = "an unmapped area";
    if (const Area* area = process.memory()->area_at(regs.rip)) {
        where = frame::format("%s[%#llx+%#llx]", area->name.empty() ? "anonymous memory" : area->name.c_str(),
            static_cast<unsigned long long>(area->start), static_cast<unsigned long long>(area->end - area->start));
    }
    if (info.kind == frame::ExceptionKind::page_fault) {
        // No "error" field: a tracer is not told whether the access was a read or a write.
        frame::klog(frame::Subsystem::signal, frame::LogLevel::warn, "%s[%d]: segfault at %#llx ip %#llx sp %#llx in %s (%s)",
            process.comm().c_str(), thread.tid(), static_cast<unsigned long long>(info.addr),
            static_cast<unsigned long long>(regs.rip), static_cast<unsigned long long>(regs.rsp), where.c_str(),
            signal_name(sig));
    } else {
        frame::klog(frame::Subsystem::signal, frame::LogLevel::warn, "%s[%d]: %s ip %#llx sp %#llx in %s (%s)", process.comm().c_str(),
            thread.tid(), describe(info.kind), static_cast<unsigned long long>(regs.rip),
            static_cast<unsigned long long>(regs.rsp), where.c_str(), signal_name(sig));
    }
}

void handle_exception(Thread& thread, const frame::ExceptionInfo& info)
{
    Process& process = thread.process();
    if (info.kind == frame::ExceptionKind::page_fault && info.fault == frame::FaultOutcome::out_of_memory) {
        // The fault handler's OOM kill has already doomed the process; make sure of it.
        oom_kill(*process.memory());
        return;
    }
    auto signal = fault_signal(info);
    if (info.kind == frame::ExceptionKind::breakpoint || info.kind == frame::ExceptionKind::debug)
        ptrace_single_step_trapped(thread);
    const auto& action = process.sighand()->actions[signal.signo - 1];
    bool is_fatal = action.handler == sig_dfl || action.handler == sig_ign || (thread.sig_mask() & sig_bit(signal.signo));
    // A tracee's fault goes to its tracer first, which may well handle it.
    if (is_fatal && !thread.ptrace_link())
        report_crash(thread, info, signal.signo);
    if (signal.signo == sigkill) {
        exit_process(process, sigkill);
        return;
    }
    force_signal(thread, signal);
}

void run_thread(Thread& thread)
{
    Process& process = thread.process();
    for (;;) {
        deliver_signals(thread);
        if (thread.is_exiting() || process.is_exiting() || frame::is_powering_off())
            break;
        // CPU time: the guest's share is the time it ran (with the host's stop and resume);
        // the kernel's is the time spent handling what stopped it.
        u64 started = frame::monotonic_ns();
        auto reason = frame::execute_user(process.vm(), thread.context());
        AttributeEpoch::advance();
        u64 returned = frame::monotonic_ns();
        u64 off_cpu_before = frame::current_task().off_cpu_ns();
        thread.charge_user(returned - started);
        process.charge_user(returned - started);
        switch (reason.kind) {
        case frame::ReturnReason::Kind::syscall:
            dispatch_syscall(thread);
            break;
        case frame::ReturnReason::Kind::exception:
            handle_exception(thread, reason.exception);
            break;
        case frame::ReturnReason::Kind::interrupted:
            rseq_preempted(thread);
            break;
        }
        // Time blocked in a syscall (a read, a wait) is no one's CPU time.
        u64 handled = frame::monotonic_ns() - returned - (frame::current_task().off_cpu_ns() - off_cpu_before);
        thread.charge_system(handled);
        process.charge_system(handled);
        check_cpu_limit(process);
        check_cpu_timers(process);
        frame::preempt_point();
    }
}

} // namespace

std::array<abi::Rlimit, rlimit_count> default_rlimits()
{
    std::array<abi::Rlimit, rlimit_count> limits;
    limits.fill({abi::rlim_infinity, abi::rlim_infinity});
    limits[rlimit_stack] = {stack_max_bytes, abi::rlim_infinity};
    limits[rlimit_nofile] = {1024, 4096};
    limits[rlimit_nproc] = {4096, 4096};
    limits[rlimit_sigpending] = {4096, 4096}; // Linux sets it with RLIMIT_NPROC, from max_threads
    limits[abi::rlimit_core] = {0, abi::rlim_infinity};
    limits[abi::rlimit_memlock] = {8 * 1024 * 1024, 8 * 1024 * 1024};
    limits[abi::rlimit_rtprio] = {0, 0};
    limits[abi::rlimit_nice] = {0, 0};
    limits[abi::rlimit_msgqueue] = {819200, 819200}; // Linux's MQ_BYTES_MAX
    return limits;
}

namespace {

/// The weight of a thread's task among the fair ones: by its nice value, the least for
/// SCHED_IDLE. A real-time thread keeps the weight of its nice value for when it goes back.
u32 task_weight(int nice, const Scheduling& scheduling)
{
    if (scheduling.policy == abi::sched_idle)
        return abi::weight_idleprio;
    return abi::sched_prio_to_weight[std::clamp(nice, -20, 19) + 20];
}

/// The frame's scheduling class of a thread's policy: SCHED_FIFO and SCHED_RR are real-time
/// at their priority, SCHED_RR with Linux's 100 ms slice (sched_rr_get_interval's value).
/// FIXME: SCHED_DEADLINE has no earliest-deadline-first scheduling nor bandwidth server; it
/// runs as a real-time task above every priority a thread can set (Linux's deadline class runs
/// before its real-time class), for its runtime at a time.
frame::SchedulingClass task_class(const Scheduling& scheduling)
{
    switch (scheduling.policy) {
    case abi::sched_fifo:
        return frame::SchedulingClass::realtime(static_cast<u8>(scheduling.priority), 0);
    case abi::sched_rr:
        return frame::SchedulingClass::realtime(static_cast<u8>(scheduling.priority), abi::rr_timeslice_ns);
    case abi::sched_deadline:
        return frame::SchedulingClass::realtime(static_cast<u8>(abi::max_rt_prio), scheduling.dl_runtime);
    default:
        return frame::SchedulingClass::fair();
    }
}

void apply_scheduling(frame::Task& task, int nice, const Scheduling& scheduling)
{
    task.set_weight(task_weight(nice, scheduling));
    task.set_scheduling_class(task_class(scheduling));
}

} // namespace

void Thread::set_nice(int nice)
{
    m_nice = std::clamp(nice, -20, 19);
    if (m_task)
        apply_scheduling(*m_task, m_nice, m_scheduling);
}

void Thread::set_scheduling(const Scheduling& scheduling)
{
    m_scheduling = scheduling;
    if (m_task)
        apply_scheduling(*m_task, m_nice, m_scheduling);
}

void Thread::inherit_scheduling(const Thread& creator)
{
    m_nice = creator.m_nice;
    m_scheduling = creator.m_scheduling;
    // SCHED_RESET_ON_FORK (Linux's sched_fork): a real-time creator's new thread gets the
    // default policy, never a nice value better than 0, and does not keep the flag.
    if (m_scheduling.is_reset_on_fork) {
        if (m_scheduling.policy == abi::sched_fifo || m_scheduling.policy == abi::sched_rr)
            m_scheduling = Scheduling {};
        m_scheduling.is_reset_on_fork = false;
        m_nice = std::max(m_nice, 0);
    }
}

void start_thread(Thread& thread)
{
    ProcessTable::add_thread(thread);
    auto& task = frame::spawn_task("tid " + std::to_string(thread.tid()), [&thread] {
        run_thread(thread);
        Process& process = thread.process();
        ptrace_thread_exit_event(thread, process.is_exiting() ? process.wait_status() : thread.exit_status());
        finish_thread(thread);
    });
    task.tag = static_cast<u64>(thread.tid());
    thread.attach_task(&task);
    apply_scheduling(task, thread.nice(), thread.scheduling());
}

void exit_thread(Thread& thread, int wait_status)
{
    thread.mark_exiting();
    thread.set_exit_status(wait_status);
    Process& process = thread.process();
    usize live = 0;
    for (auto& other : process.threads())
        live += !other->is_exiting();
    if (live == 0)
        process.begin_exit(wait_status);
}

void exit_process(Process& process, int wait_status)
{
    if (!process.begin_exit(wait_status))
        return;
    process.continued().wake_all();
    for (auto& thread : process.threads()) {
        thread->mark_exiting();
        if (thread->task() && thread->task() != &frame::current_task())
            thread->task()->interrupt();
    }
}

} // namespace asterix::services
