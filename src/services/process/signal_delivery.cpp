// Sending signals, taking them on the way back to user mode, and the x86-64 signal frame.

#include "frame/log.h"
#include "services/syscalls/strace.h"
#include "services/abi/sigcontext.h"
#include "services/abi/signal.h"
#include "services/abi/unistd.h"
#include "services/fs/signal_file.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {

// The signal frame's ABI constants (services/abi/sigcontext.h), by their short names here.
using abi::uc_fp_xstate, abi::uc_sigcontext_ss, abi::uc_strict_restore_ss, abi::ss_onstack, abi::ss_disable,
    abi::redzone_bytes, abi::fxsave_bytes, abi::xsave_min_bytes, abi::fp_xstate_magic1, abi::fp_xstate_magic2,
    abi::sw_magic1_offset, abi::sw_extended_size_offset, abi::sw_xfeatures_offset, abi::sw_xstate_size_offset,
    abi::eflags_df, abi::eflags_tf, abi::eflags_rf, abi::eflags_user_mask, abi::user_cs, abi::user_ss;

constexpr u64 xsave_max_bytes = 64 * 1024;

/// struct sigcontext (64-bit), as in uapi/asm/sigcontext.h.
struct SigContext {
    u64 r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    u16 cs, gs, fs, ss;
    u64 err, trapno, oldmask, cr2, fpstate;
    std::array<u64, 8> reserved;
};
static_assert(sizeof(SigContext) == 256);

/// The kernel's struct ucontext.
struct UContext {
    u64 flags;
    u64 link;
    abi::StackT stack;
    SigContext mcontext;
    u64 sigmask;
};
static_assert(sizeof(UContext) == 304);

/// struct rt_sigframe: the handler returns into `pretcode` (the restorer) with rsp just past it.
struct RtSigFrame {
    u64 pretcode;
    UContext uc;
    abi::SigInfo info;
};
static_assert(sizeof(RtSigFrame) == 440);

bool is_on_alt_stack(const Thread& thread, u64 sp)
{
    const auto& stack = thread.alt_stack();
    return !(stack.flags & ss_disable) && stack.size && sp > stack.sp && sp - stack.sp <= stack.size;
}

void put_le(std::vector<u8>& bytes, usize offset, u64 value, usize size)
{
    for (usize i = 0; i < size; ++i)
        bytes[offset + i] = static_cast<u8>(value >> (8 * i));
}

u64 get_le(std::span<const u8> bytes, usize offset, usize size)
{
    u64 value = 0;
    for (usize i = 0; i < size; ++i)
        value |= u64 {bytes[offset + i]} << (8 * i);
    return value;
}

/// Linux's fpstate for a frame: the FXSAVE image alone, or the XSAVE image with the software
/// bytes and FP_XSTATE_MAGIC2 after it.
std::vector<u8> fpstate_bytes(frame::UserContext::FpSignalImage image)
{
    auto& bytes = image.bytes;
    if (!image.features)
        return std::move(bytes);
    usize xstate_size = bytes.size();
    std::fill(bytes.begin() + sw_magic1_offset, bytes.begin() + fxsave_bytes, u8 {0});
    put_le(bytes, sw_magic1_offset, fp_xstate_magic1, 4);
    put_le(bytes, sw_extended_size_offset, xstate_size + 4, 4);
    put_le(bytes, sw_xfeatures_offset, image.features, 8);
    put_le(bytes, sw_xstate_size_offset, xstate_size, 4);
    bytes.resize(xstate_size + 4);
    put_le(bytes, xstate_size, fp_xstate_magic2, 4);
    return std::move(bytes);
}

/// Picks the next signal to take: thread-directed first, lowest number first, SIGKILL and
/// SIGSTOP ahead of all. Nothing when none is deliverable.
std::optional<Signal> next_signal(Thread& thread)
{
    u64 deliverable = (thread.pending().mask | thread.process().shared_pending().mask).bits() & ~thread.sig_mask();
    if (!deliverable)
        return std::nullopt;
    if (deliverable & sig_bit(sigkill))
        return sigkill;
    // A fault's own signal goes before any other (Linux's dequeue_synchronous_signal): a
    // debugger must see the trap of the instruction it stepped before a SIGSTOP it sent.
    constexpr u64 synchronous = sig_bit(sigsegv) | sig_bit(sigbus) | sig_bit(sigill) | sig_bit(sigtrap) | sig_bit(sigfpe)
        | sig_bit(sigsys);
    for (const auto& entry : thread.pending().queue) {
        if (entry.info.signo > 0 && entry.info.signo <= 64 && (synchronous & sig_bit(entry.info.signo) & deliverable)
            && entry.info.code > 0)
            return Signal::from_valid(entry.info.signo);
    }
    if (deliverable & sig_bit(sigstop))
        return sigstop;
    return Signal::from_valid(__builtin_ctzll(deliverable) + 1); // a bit of a 64-bit set
}

abi::SigInfo take_signal(Thread& thread, Signal sig)
{
    if (thread.pending().has(sig))
        return thread.pending().take(sig);
    return thread.process().shared_pending().take(sig);
}

void notify_parent_of_stop(Process& process, int code, int status)
{
    Process* parent = process.parent();
    if (!parent)
        return;
    const auto& action = parent->sighand()->actions[sigchld - 1];
    if (!(action.flags & sa_nocldstop)) {
        auto info = make_signal_info(sigchld, code, process.pid(), process.credentials().uid);
        info.set_status(status);
        send_signal(*parent, info);
    }
    parent->child_event().wake_all();
}

void stop_process(Process& process, int sig)
{
    if (!process.mark_stopped(sig))
        return;
    notify_parent_of_stop(process, cld_stopped, sig);
}

void continue_process(Process& process)
{
    for (Signal sig : {sigstop, sigtstp, sigttin, sigttou}) {
        process.shared_pending().discard(sig);
        for (auto& thread : process.threads())
            thread->pending().discard(sig);
    }
    if (!process.mark_continued())
        return;
    process.continued().wake_all();
    notify_parent_of_stop(process, cld_continued, sigcont);
}

void wake_for_signal(Process& process, int sig)
{
    // Interrupt a thread that can take it; if all block it, it waits in the process.
    for (auto& thread : process.threads()) {
        if (!(thread->sig_mask() & sig_bit(sig)) || sig == sigkill) {
            if (thread->task())
                thread->task()->interrupt();
            if (sig != sigkill)
                return;
        }
    }
}

/// Builds the frame on the thread's stack and points it at the handler.
Result<void> setup_frame(Thread& thread, int sig, const abi::SigInfo& info, const abi::KSigAction& action)
{
    auto& regs = thread.context().regs;
    auto& vm = thread.process().vm();
    u64 sp = regs.rsp;
    bool was_on_alt_stack = is_on_alt_stack(thread, sp);
    bool is_entering_alt_stack = (action.flags & sa_onstack) && !(thread.alt_stack().flags & ss_disable)
        && thread.alt_stack().size && !was_on_alt_stack;
    if (is_entering_alt_stack)
        sp = thread.alt_stack().sp + thread.alt_stack().size;
    else
        sp -= redzone_bytes;
    auto fp_image = thread.context().fp_signal_state(vm);
    bool is_xsave = fp_image.features != 0;
    auto fpstate = fpstate_bytes(std::move(fp_image));
    u64 fp_addr = (sp - fpstate.size()) & ~u64 {63};
    u64 frame_addr = ((fp_addr - sizeof(RtSigFrame)) & ~u64 {15}) - 8;
    // A frame that would overflow the alternate stack is not written: the thread dies of
    // SIGSEGV instead, as Linux's get_sigframe has it.
    if ((was_on_alt_stack || is_entering_alt_stack) && !is_on_alt_stack(thread, frame_addr))
        return Errno::efault;

    RtSigFrame frame {};
    frame.pretcode = action.restorer;
    frame.uc.flags = uc_sigcontext_ss | uc_strict_restore_ss | (is_xsave ? uc_fp_xstate : 0);
    frame.uc.stack = {thread.alt_stack().sp, was_on_alt_stack ? ss_onstack : thread.alt_stack().flags, 0, thread.alt_stack().size};
    auto& mc = frame.uc.mcontext;
    mc.r8 = regs.r8;
    mc.r9 = regs.r9;
    mc.r10 = regs.r10;
    mc.r11 = regs.r11;
    mc.r12 = regs.r12;
    mc.r13 = regs.r13;
    mc.r14 = regs.r14;
    mc.r15 = regs.r15;
    mc.rdi = regs.rdi;
    mc.rsi = regs.rsi;
    mc.rbp = regs.rbp;
    mc.rbx = regs.rbx;
    mc.rdx = regs.rdx;
    mc.rax = regs.rax;
    mc.rcx = regs.rcx;
    mc.rsp = regs.rsp;
    mc.rip = regs.rip;
    mc.eflags = regs.eflags;
    mc.cs = static_cast<u16>(regs.cs);
    mc.ss = static_cast<u16>(regs.ss);
    if (sig == sigsegv || sig == sigbus) {
        mc.trapno = 14;
        mc.cr2 = info.fields[0];
        // User mode; the page was present only for a permission fault (not for SIGBUS's
        // BUS_ADRERR, which has the same number).
        mc.err = 4 | (sig == sigsegv && info.code == abi::segv_accerr ? 1 : 0);
    }
    mc.oldmask = thread.mask_to_restore();
    mc.fpstate = fp_addr;
    frame.uc.sigmask = mc.oldmask;
    frame.info = info;

    TRY(vm.write_bytes(fp_addr, fpstate));
    TRY(vm.write(UserPtr<RtSigFrame>(frame_addr), frame));
    // The handler starts with a clean FPU (default MXCSR and control word); rt_sigreturn brings
    // the saved state back.
    thread.context().reset_fp_state();

    regs.rsp = frame_addr;
    regs.rip = action.handler;
    regs.rdi = static_cast<u64>(sig);
    regs.rsi = frame_addr + offsetof(RtSigFrame, info);
    regs.rdx = frame_addr + offsetof(RtSigFrame, uc);
    regs.rax = 0;
    regs.eflags &= ~(eflags_df | eflags_tf | eflags_rf);
    regs.cs = user_cs;
    regs.ss = user_ss;
    return {};
}

/// What to do with a syscall a signal interrupted, now that we know whether a handler runs.
void finish_interrupted_syscall(Thread& thread, const abi::KSigAction* handler)
{
    auto& regs = thread.context().regs;
    i64 result = static_cast<i64>(regs.rax);
    if (!thread.interrupted_syscall())
        return;
    u64 number = thread.interrupted_syscall().value_or(0);
    thread.clear_interrupted_syscall();
    frame::klog(frame::Subsystem::signal, frame::LogLevel::debug, "syscall %llu interrupted (%s): %s",
        static_cast<unsigned long long>(number), errno_name(static_cast<Errno>(-result)),
        handler ? ((handler->flags & sa_restart) ? "handler with SA_RESTART" : "handler") : "no handler");
    auto restart = [&] {
        regs.rax = number;
        regs.rip -= 2; // back onto the syscall instruction
    };
    switch (static_cast<Errno>(-result)) {
    case Errno::erestartsys:
        if (handler && !(handler->flags & sa_restart))
            regs.rax = static_cast<u64>(-static_cast<i64>(Errno::eintr));
        else
            restart();
        break;
    case Errno::erestartnointr:
        restart();
        break;
    case Errno::erestartnohand:
        if (handler)
            regs.rax = static_cast<u64>(-static_cast<i64>(Errno::eintr));
        else
            restart();
        break;
    case Errno::erestart_restartblock:
        if (handler) {
            regs.rax = static_cast<u64>(-static_cast<i64>(Errno::eintr));
        } else {
            regs.rax = abi::nr_restart_syscall;
            regs.rip -= 2;
        }
        break;
    default:
        break;
    }
}

} // namespace

bool is_ignored(Process& process, int sig)
{
    const auto& action = process.sighand()->actions[sig - 1];
    return action.handler == sig_ign || (action.handler == sig_dfl && default_action(sig) == DefaultAction::ignore);
}

namespace {
/// Init takes only the signals it has a handler for (or ignores): the rest are dropped, SIGKILL
/// and SIGSTOP included, whoever sends them (Linux's sig_task_ignored on SIGNAL_UNKILLABLE).
/// Faults still kill it: force_signal() does not come this way.
bool is_dropped_by_init(const Process& target, int sig)
{
    return target.is_unkillable() && target.sighand()->actions[sig - 1].handler == sig_dfl;
}
} // namespace

namespace {
/// Whether ignored signals are kept until delivery, where they are traced and then dropped: for
/// a traced process (its tracer stops it for each), and under --strace, which shows them as
/// strace does (strace is such a tracer: `--- SIGCHLD ... ---` for a shell that ignores it).
bool is_kept_for_tracing(const Process& process) { return process.is_traced() || is_strace_on(); }
} // namespace

void send_signal(Process& target, const abi::SigInfo& info)
{
    int sig = info.signo;
    if (sig <= 0 || sig > signal_count || target.has_exited() || target.is_exiting())
        return;
    if (is_dropped_by_init(target, sig))
        return;
    if (sig == sigkill) {
        exit_process(target, sigkill);
        return;
    }
    if (sig == sigcont)
        continue_process(target);
    if (default_action(sig) == DefaultAction::stop)
        target.shared_pending().discard(sigcont);
    // An ignored signal is dropped at once, unless blocked (it may be unignored before it is
    // unblocked) or traced: a tracer sees every signal in a signal-delivery stop (Linux's
    // sig_ignored), strace's `--- SIGCHLD ...` lines of a shell without a SIGCHLD handler.
    bool is_blocked_everywhere = !target.threads().empty();
    for (auto& thread : target.threads())
        is_blocked_everywhere &= (thread->sig_mask() & sig_bit(sig)) != 0;
    if (is_ignored(target, sig) && !is_blocked_everywhere && !is_kept_for_tracing(target))
        return;
    if (target.shared_pending().add(info, target.credentials().uid, target.rlimit(rlimit_sigpending).cur))
        wake_for_signal(target, sig);
    signalfd_watchers().notify();
}

void send_signal(Thread& target, const abi::SigInfo& info)
{
    int sig = info.signo;
    Process& process = target.process();
    if (sig <= 0 || sig > signal_count || process.has_exited() || process.is_exiting())
        return;
    if (is_dropped_by_init(process, sig))
        return;
    if (sig == sigkill) {
        exit_process(process, sigkill);
        return;
    }
    if (sig == sigcont)
        continue_process(process);
    if (is_ignored(process, sig) && !(target.sig_mask() & sig_bit(sig)) && !is_kept_for_tracing(process))
        return;
    if (target.pending().add(info, process.credentials().uid, process.rlimit(rlimit_sigpending).cur) && target.task())
        target.task()->interrupt();
    signalfd_watchers().notify();
}

void force_signal(Thread& target, const abi::SigInfo& info)
{
    int sig = info.signo;
    auto& action = target.process().sighand()->actions[sig - 1];
    if ((target.sig_mask() & sig_bit(sig)) || action.handler == sig_ign) {
        target.set_sig_mask(target.sig_mask() & ~sig_bit(sig));
        action.handler = sig_dfl;
    }
    target.pending().add(info, target.process().credentials().uid, abi::rlim_infinity); // a fault's signal is never lost
}

Result<void> set_temporary_sig_mask(Thread& thread, u64 mask, u64 sigsetsize)
{
    if (sigsetsize != abi::sigset_bytes)
        return Errno::einval;
    thread.swap_in_temporary_sig_mask(mask);
    return {};
}

bool has_pending_signal(Thread& thread)
{
    // A PTRACE_INTERRUPT ends a blocking syscall as a signal would (it is restarted after the
    // stop).
    bool is_interrupted = thread.ptrace_link() && thread.ptrace_link()->has_interrupt_pending();
    return next_signal(thread).has_value() || thread.process().is_exiting() || thread.is_exiting() || is_interrupted;
}

Result<void> wait_interruptible(frame::WaitQueue& queue, u64 deadline_ns, const char* reason)
{
    Thread* thread = ProcessTable::current_thread();
    if (thread && has_pending_signal(*thread))
        return Errno::erestartsys;
    frame::current_task().wait_reason = reason;
    auto result = queue.wait_until(deadline_ns, thread ? frame::Interruptible::yes : frame::Interruptible::no);
    frame::current_task().wait_reason = nullptr;
    if (result == frame::WaitResult::timed_out)
        return Errno::etimedout;
    if (result == frame::WaitResult::interrupted || (thread && has_pending_signal(*thread)))
        return Errno::erestartsys;
    return {};
}

void deliver_signals(Thread& thread)
{
    Process& process = thread.process();
    for (;;) {
        if (thread.is_exiting() || process.is_exiting())
            return;
        // A traced thread stops for its tracer instead (ptrace.cpp): a PTRACE_INTERRUPT, the
        // report of a group stop, PTRACE_LISTEN.
        if (ptrace_job_control(thread))
            continue;
        // A stopped process waits here until SIGCONT (or SIGKILL), unless it is traced.
        bool has_waited = false;
        while (process.is_stopped() && !process.is_exiting() && !thread.is_exiting() && !thread.ptrace_link()) {
            if (thread.pending().has(sigkill) || process.shared_pending().has(sigkill))
                break;
            has_waited = true;
            process.continued().wait_until(~0ull, frame::Interruptible::yes);
        }
        // Attached while it waited: it reports the group stop to its tracer first.
        if (has_waited && thread.ptrace_link())
            continue;
        auto next = next_signal(thread);
        if (!next) {
            finish_interrupted_syscall(thread, nullptr);
            thread.restore_saved_sig_mask();
            return;
        }
        Signal sig = *next;
        abi::SigInfo info = take_signal(thread, sig);
        if (sig != sigkill)
            trace_signal(process.pid(), thread.tid(), info);
        if (sig != sigkill && thread.ptrace_link()) {
            // The signal-delivery stop: the tracer decides which signal, if any, goes on.
            int delivered = ptrace_signal_stop(thread, info);
            if (!delivered)
                continue;
            sig = Signal::from_valid(delivered);
            info.signo = sig;
            if (thread.sig_mask() & sig_bit(sig)) {
                // Blocked now: it waits in the queue like any other (Linux's ptrace_signal).
                thread.pending().add(info, process.credentials().uid, abi::rlim_infinity);
                continue;
            }
            if (sig == sigkill) {
                exit_process(process, sigkill);
                return;
            }
        }
        abi::KSigAction action = process.sighand()->actions[sig - 1];
        if (action.handler == sig_ign)
            continue;
        if (action.handler == sig_dfl) {
            switch (default_action(sig)) {
            case DefaultAction::ignore:
            case DefaultAction::cont:
                continue;
            case DefaultAction::stop:
                stop_process(process, sig);
                continue;
            case DefaultAction::terminate:
                exit_process(process, sig);
                return;
            case DefaultAction::core:
                exit_process(process, sig | 0x80);
                return;
            }
        }
        finish_interrupted_syscall(thread, &action);
        if (setup_frame(thread, sig, info, action).is_error()) {
            // No room for the frame: Linux kills the thread group with SIGSEGV.
            frame::klog(frame::Subsystem::signal, frame::LogLevel::warn, "pid %d (%s): cannot build a frame for %s: killed by SIGSEGV", process.pid(),
                process.comm().c_str(), signal_name(sig));
            exit_process(process, sigsegv | 0x80);
            return;
        }
        thread.restore_saved_sig_mask();
        thread.set_sig_mask(thread.sig_mask() | action.mask);
        if (!(action.flags & sa_nodefer))
            thread.set_sig_mask(thread.sig_mask() | sig_bit(sig));
        // SA_RESETHAND resets the handler only: the flags (SA_SIGINFO among them) stay, as
        // Linux's get_signal leaves them.
        if (action.flags & sa_resethand)
            process.sighand()->actions[sig - 1].handler = sig_dfl;
        return;
    }
}

namespace {
/// Brings the FPU state back from a frame's fpstate: the XSAVE image when the software bytes
/// and magic2 say it is there and consistent (check_xstate_in_sigframe in Linux), else the
/// FXSAVE part alone.
Result<void> restore_fpstate(Thread& thread, u64 fp_addr)
{
    auto& vm = thread.process().vm();
    std::vector<u8> image(fxsave_bytes);
    if (vm.read_bytes(fp_addr, image).is_error())
        return Errno::efault;
    u64 xstate_size = get_le(image, sw_xstate_size_offset, 4);
    u64 features = 0;
    if (get_le(image, sw_magic1_offset, 4) == fp_xstate_magic1 && xstate_size >= xsave_min_bytes
        && xstate_size <= xsave_max_bytes && get_le(image, sw_extended_size_offset, 4) >= xstate_size + 4) {
        std::vector<u8> full(xstate_size + 4);
        if (vm.read_bytes(fp_addr, full).is_error())
            return Errno::efault;
        if (get_le(full, xstate_size, 4) == fp_xstate_magic2) {
            features = get_le(image, sw_xfeatures_offset, 8);
            full.resize(xstate_size);
            image = std::move(full);
        }
    }
    if (features && thread.context().set_fp_signal_state(vm, image, features).is_error())
        features = 0; // larger than this CPU's state: the FXSAVE part only, as Linux falls back
    if (!features)
        TRY(thread.context().set_fp_signal_state(vm, std::span(image).first(fxsave_bytes), 0));
    return {};
}
} // namespace

Result<long> restore_signal_frame(Thread& thread)
{
    auto& regs = thread.context().regs;
    auto& vm = thread.process().vm();
    u64 frame_addr = regs.rsp - 8;
    auto uc = vm.read(UserPtr<UContext>(frame_addr + offsetof(RtSigFrame, uc)));
    if (uc.is_error())
        return Errno::efault;
    const SigContext& mc = uc.value().mcontext;
    if (mc.fpstate)
        TRY(restore_fpstate(thread, mc.fpstate));
    regs.r8 = mc.r8;
    regs.r9 = mc.r9;
    regs.r10 = mc.r10;
    regs.r11 = mc.r11;
    regs.r12 = mc.r12;
    regs.r13 = mc.r13;
    regs.r14 = mc.r14;
    regs.r15 = mc.r15;
    regs.rdi = mc.rdi;
    regs.rsi = mc.rsi;
    regs.rbp = mc.rbp;
    regs.rbx = mc.rbx;
    regs.rdx = mc.rdx;
    regs.rax = mc.rax;
    regs.rcx = mc.rcx;
    regs.rsp = mc.rsp;
    regs.rip = mc.rip;
    regs.eflags = (regs.eflags & ~eflags_user_mask) | (mc.eflags & eflags_user_mask);
    regs.cs = user_cs;
    regs.ss = user_ss;
    thread.set_sig_mask(uc.value().sigmask);
    const auto& stack = uc.value().stack;
    if (!(stack.flags & ss_disable) && stack.size)
        thread.set_alt_stack({stack.sp, 0, 0, stack.size});
    return static_cast<long>(regs.rax);
}

} // namespace asterix::services
