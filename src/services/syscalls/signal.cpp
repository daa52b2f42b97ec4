// rt_sigaction, rt_sigprocmask, sigaltstack. Dispositions and masks are recorded; delivery
// comes with the signals issue.

#include <limits>
#include <map>

#include "frame/clock.h"
#include "services/abi/pidfd.h"
#include "services/abi/signal.h"
#include "services/fs/pid_file.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_rt_sigaction(Context& ctx, int sig, UserPtr<abi::KSigAction> act, UserPtr<abi::KSigAction> old_act, u64 sigsetsize)
{
    auto signal = Signal::from_number(sig);
    if (sigsetsize != abi::sigset_bytes || !signal)
        return Errno::einval;
    if (!act.is_null() && (sig == sigkill || sig == sigstop))
        return Errno::einval;
    auto& slot = ctx.process().sighand()->actions[sig - 1];
    abi::KSigAction previous = slot;
    if (!act.is_null()) {
        abi::KSigAction action = TRY(ctx.user().read(act));
        action.mask &= ~unblockable_signals;
        slot = action;
        // A signal now ignored leaves the pending sets (sigaction(2), POSIX).
        if (is_ignored(ctx.process(), sig)) {
            ctx.process().shared_pending().discard(*signal);
            for (auto& thread : ctx.process().threads())
                thread->pending().discard(*signal);
        }
    }
    if (!old_act.is_null())
        TRY(ctx.user().write(old_act, previous));
    return 0;
}

Result<long> sys_rt_sigprocmask(Context& ctx, int how, UserPtr<u64> set, UserPtr<u64> old_set, u64 sigsetsize)
{
    if (sigsetsize != abi::sigset_bytes)
        return Errno::einval;
    Thread& thread = ctx.thread();
    u64 previous = thread.sig_mask();
    if (!set.is_null()) {
        u64 change = TRY(ctx.user().read(set));
        switch (how) {
        case abi::sig_block:
            thread.set_sig_mask(previous | change);
            break;
        case abi::sig_unblock:
            thread.set_sig_mask(previous & ~change);
            break;
        case abi::sig_setmask:
            thread.set_sig_mask(change);
            break;
        default:
            return Errno::einval;
        }
    }
    if (!old_set.is_null())
        TRY(ctx.user().write(old_set, previous));
    return 0;
}

Result<long> sys_sigaltstack(Context& ctx, UserPtr<abi::StackT> stack, UserPtr<abi::StackT> old_stack)
{
    abi::StackT previous = ctx.thread().alt_stack();
    u64 sp = ctx.thread().context().regs.rsp;
    bool is_on_stack = !(previous.flags & abi::ss_disable) && previous.size && sp > previous.sp && sp - previous.sp <= previous.size;
    if (is_on_stack)
        previous.flags = abi::ss_onstack;
    if (!stack.is_null()) {
        if (is_on_stack)
            return Errno::eperm; // sigaltstack(2): not while running on it
        abi::StackT next = TRY(ctx.user().read(stack));
        next.pad = 0;
        i32 mode = next.flags & ~abi::ss_autodisarm;
        if (mode != 0 && mode != abi::ss_disable && mode != abi::ss_onstack)
            return Errno::einval;
        if (mode == abi::ss_disable) {
            next = {0, abi::ss_disable, 0, 0};
        } else if (next.size < abi::minsigstksz) {
            return Errno::enomem;
        }
        ctx.thread().set_alt_stack(next);
    }
    if (!old_stack.is_null())
        TRY(ctx.user().write(old_stack, previous));
    return 0;
}

} // namespace asterix::services

namespace asterix::services {

namespace {

/// kill(2)'s permission rule (Linux's check_kill_permission): the sender's real or effective
/// uid is the target's real or saved uid, or the sender has CAP_KILL; SIGCONT may go to any
/// process of the sender's session.
bool may_signal(Context& ctx, const Process& target, int sig)
{
    const Credentials& sender = ctx.thread().credentials();
    const Credentials& receiver = target.credentials();
    if (sender.has_capability(abi::Capability::kill))
        return true;
    if (sender.euid == receiver.suid || sender.euid == receiver.uid || sender.uid == receiver.suid || sender.uid == receiver.uid)
        return true;
    return sig == sigcont && ctx.process().sid() == target.sid();
}

/// kill(2)'s signal number: a signal, or 0, which only probes that the target exists and may
/// be signalled; EINVAL for anything else.
Result<std::optional<Signal>> signal_or_probe(int sig)
{
    if (sig == 0)
        return std::optional<Signal>();
    auto signal = Signal::from_number(sig);
    if (!signal)
        return Errno::einval;
    return signal;
}

/// The siginfo of kill and tkill; a probe's (number 0) is never queued.
abi::SigInfo sender_info(Context& ctx, std::optional<Signal> signal, int code)
{
    if (!signal) {
        abi::SigInfo probe {};
        probe.code = code;
        return probe;
    }
    return make_signal_info(*signal, code, ctx.process().pid(), ctx.thread().credentials().uid);
}

Result<long> kill_process(Context& ctx, Process& target, const abi::SigInfo& info)
{
    if (!may_signal(ctx, target, info.signo))
        return Errno::eperm;
    if (info.signo)
        send_signal(target, info);
    return 0;
}

Result<long> kill_group(Context& ctx, i32 pgid, const abi::SigInfo& info)
{
    bool has_any = false;
    Errno last = Errno::esrch;
    for (auto& [pid, process] : std::map<i32, Process*>(ProcessTable::all())) {
        if (process->pgid() != pgid || process->has_exited())
            continue;
        has_any = true;
        if (kill_process(ctx, *process, info).is_error())
            last = Errno::eperm;
        else
            last = Errno {};
    }
    if (!has_any)
        return Errno::esrch;
    if (last != Errno {})
        return last;
    return 0;
}

/// The process kill(2) and rt_sigqueueinfo(2) mean by `pid`: a process, or, as Linux finds any
/// task by its id, the process of a thread with that tid. A zombie still counts (the signal is
/// dropped then).
Process* find_signal_target(i32 pid)
{
    if (Process* process = ProcessTable::find(pid))
        return process;
    Thread* thread = ProcessTable::find_thread(pid);
    return thread ? &thread->process() : nullptr;
}

Result<Thread*> find_thread_in(i32 tgid, i32 tid)
{
    Thread* thread = ProcessTable::find_thread(tid);
    if (!thread || thread->is_exiting() || (tgid > 0 && thread->process().pid() != tgid))
        return Errno::esrch;
    return thread;
}

} // namespace

Result<long> sys_kill(Context& ctx, i32 pid, int sig)
{
    auto info = sender_info(ctx, TRY(signal_or_probe(sig)), si_user);
    if (pid > 0) {
        // A zombie still exists for kill (the signal is dropped).
        Process* target = find_signal_target(pid);
        if (!target)
            return Errno::esrch;
        return kill_process(ctx, *target, info);
    }
    if (pid == 0)
        return kill_group(ctx, ctx.process().pgid(), info);
    if (pid == -1) {
        // Every process but init and the caller.
        bool has_any = false;
        for (auto& [id, process] : std::map<i32, Process*>(ProcessTable::all())) {
            if (id == 1 || process == &ctx.process() || process->has_exited())
                continue;
            has_any = true;
            static_cast<void>(kill_process(ctx, *process, info));
        }
        if (!has_any)
            return Errno::esrch;
        return 0;
    }
    if (pid == std::numeric_limits<i32>::min())
        return Errno::esrch;
    return kill_group(ctx, -pid, info);
}

Result<long> sys_tkill(Context& ctx, i32 tid, int sig)
{
    if (tid <= 0)
        return Errno::einval;
    auto signal = TRY(signal_or_probe(sig));
    Thread* thread = TRY(find_thread_in(0, tid));
    if (!may_signal(ctx, thread->process(), sig))
        return Errno::eperm;
    if (signal)
        send_signal(*thread, sender_info(ctx, signal, si_tkill));
    return 0;
}

Result<long> sys_tgkill(Context& ctx, i32 tgid, i32 tid, int sig)
{
    if (tgid <= 0 || tid <= 0)
        return Errno::einval;
    auto signal = TRY(signal_or_probe(sig));
    Thread* thread = TRY(find_thread_in(tgid, tid));
    if (!may_signal(ctx, thread->process(), sig))
        return Errno::eperm;
    if (signal)
        send_signal(*thread, sender_info(ctx, signal, si_tkill));
    return 0;
}

Result<long> sys_rt_sigqueueinfo(Context& ctx, i32 pid, int sig, UserPtr<abi::SigInfo> uinfo)
{
    auto signal = Signal::from_number(sig);
    if (!signal)
        return Errno::einval;
    auto info = TRY(ctx.user().read(uinfo));
    // Only the kernel may claim to be the kernel (or another thread's tkill).
    if ((info.code >= 0 || info.code == si_tkill) && pid != ctx.process().pid())
        return Errno::eperm;
    info.signo = sig;
    // A zombie, or a thread's tid, is found as kill(2) finds it.
    Process* target = find_signal_target(pid);
    if (!target)
        return Errno::esrch;
    if (signal->is_realtime() && !PendingSignals::can_queue(target->credentials().uid, target->rlimit(rlimit_sigpending).cur))
        return Errno::eagain; // sigqueue(3): the limit on queued signals was reached
    return kill_process(ctx, *target, info);
}

Result<long> sys_pidfd_send_signal(Context& ctx, int pidfd, int sig, UserPtr<abi::SigInfo> uinfo, u32 flags)
{
    constexpr u32 scopes = abi::pidfd_signal_thread | abi::pidfd_signal_thread_group | abi::pidfd_signal_process_group;
    if ((flags & ~scopes) || (flags & (flags - 1)) != 0) // one scope at most
        return Errno::einval;
    auto file = TRY(ctx.files().get(pidfd));
    PidFile* pid_file = file->as_pidfd();
    if (!pid_file)
        return Errno::ebadf;
    // Without a scope the pidfd's kind decides: a thread pidfd signals its thread (Linux 6.9).
    u32 scope = flags ? flags : pid_file->is_thread() ? abi::pidfd_signal_thread : abi::pidfd_signal_thread_group;
    Process& target = pid_file->process();
    abi::SigInfo info;
    if (!uinfo.is_null()) {
        info = TRY(ctx.user().read(uinfo));
        if (info.signo != sig)
            return Errno::einval;
        // As rt_sigqueueinfo: only a task signalling itself (the one the pidfd names) may
        // claim another origin, never for a process group (Linux's do_pidfd_send_signal).
        bool is_self = pid_file->id() == ctx.thread().tid() && scope != abi::pidfd_signal_process_group;
        if ((info.code >= 0 || info.code == si_tkill) && !is_self)
            return Errno::eperm;
    }
    auto signal = TRY(signal_or_probe(sig));
    if (uinfo.is_null())
        info = sender_info(ctx, signal, si_user);
    // A zombie is still there to be signalled (the signal is dropped); a reaped process, or a
    // thread pidfd's finished thread, is not.
    if (pid_file->is_gone())
        return Errno::esrch;
    // The pidfd's id as a process group id, as Linux's kill_pgrp_info takes the pidfd's pid.
    if (scope == abi::pidfd_signal_process_group)
        return kill_group(ctx, pid_file->id(), info);
    if (scope == abi::pidfd_signal_thread) {
        Thread* thread = pid_file->is_thread() ? pid_file->thread() : target.main_thread();
        if (!may_signal(ctx, target, sig))
            return Errno::eperm;
        // A leader that left before its group is a zombie kept for it: the signal is dropped.
        if (sig && thread)
            send_signal(*thread, info);
        return 0;
    }
    return kill_process(ctx, target, info);
}

Result<long> sys_rt_tgsigqueueinfo(Context& ctx, i32 tgid, i32 tid, int sig, UserPtr<abi::SigInfo> uinfo)
{
    auto signal = Signal::from_number(sig);
    if (!signal || tgid <= 0 || tid <= 0)
        return Errno::einval;
    auto info = TRY(ctx.user().read(uinfo));
    if ((info.code >= 0 || info.code == si_tkill) && tgid != ctx.process().pid())
        return Errno::eperm;
    info.signo = sig;
    Thread* thread = TRY(find_thread_in(tgid, tid));
    Process& target = thread->process();
    if (signal->is_realtime() && !PendingSignals::can_queue(target.credentials().uid, target.rlimit(rlimit_sigpending).cur))
        return Errno::eagain;
    send_signal(*thread, info);
    return 0;
}

Result<long> sys_rt_sigreturn(Context& ctx)
{
    auto restored = restore_signal_frame(ctx.thread());
    if (restored.is_error()) {
        // A frame that cannot be read: Linux kills with SIGSEGV.
        force_signal(ctx.thread(), make_signal_info(sigsegv, si_kernel));
        return static_cast<long>(ctx.thread().context().regs.rax);
    }
    return restored.value();
}

Result<long> sys_rt_sigpending(Context& ctx, UserPtr<u64> set, u64 sigsetsize)
{
    if (sigsetsize > 8)
        return Errno::einval;
    u64 pending = (ctx.thread().pending().mask | ctx.process().shared_pending().mask).bits() & ctx.thread().sig_mask();
    TRY(ctx.user().write(set, pending));
    return 0;
}

Result<long> sys_rt_sigsuspend(Context& ctx, UserPtr<u64> mask, u64 sigsetsize)
{
    if (sigsetsize != abi::sigset_bytes)
        return Errno::einval;
    TRY(set_temporary_sig_mask(ctx.thread(), TRY(ctx.user().read(mask)), sigsetsize));
    frame::WaitQueue never;
    while (wait_interruptible(never, ~0ull, "pause").is_error() == false) {
    }
    return Errno::erestartnohand;
}

Result<long> sys_pause(Context& ctx)
{
    frame::WaitQueue never;
    while (wait_interruptible(never, ~0ull, "pause").is_error() == false) {
    }
    return Errno::erestartnohand;
}

Result<long> sys_rt_sigtimedwait(Context& ctx, UserPtr<u64> set, UserPtr<abi::SigInfo> info_ptr, UserPtr<abi::Timespec> timeout, u64 sigsetsize)
{
    if (sigsetsize != abi::sigset_bytes)
        return Errno::einval;
    u64 wanted = TRY(ctx.user().read(set)) & ~unblockable_signals;
    u64 deadline = ~0ull;
    if (!timeout.is_null()) {
        auto ts = TRY(ctx.user().read(timeout));
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1'000'000'000)
            return Errno::einval;
        deadline = frame::monotonic_ns() + static_cast<u64>(ts.sec) * 1'000'000'000 + static_cast<u64>(ts.nsec);
    }
    Thread& thread = ctx.thread();
    // The awaited signals are unblocked for the wait, so they interrupt it.
    u64 saved_mask = thread.sig_mask();
    for (;;) {
        u64 ready = (thread.pending().mask | ctx.process().shared_pending().mask).bits() & wanted;
        if (ready) {
            auto sig = Signal::from_valid(__builtin_ctzll(ready) + 1); // a bit of a 64-bit set
            abi::SigInfo info = thread.pending().has(sig) ? thread.pending().take(sig) : ctx.process().shared_pending().take(sig);
            thread.set_sig_mask(saved_mask);
            if (!info_ptr.is_null())
                TRY(ctx.user().write(info_ptr, info));
            return sig.number();
        }
        thread.set_sig_mask(saved_mask & ~wanted);
        frame::WaitQueue never;
        auto waited = wait_interruptible(never, deadline, "sigtimedwait");
        thread.set_sig_mask(saved_mask);
        if (waited.is_error()) {
            if (waited.error() == Errno::etimedout)
                return Errno::eagain;
            u64 now_ready = (thread.pending().mask | ctx.process().shared_pending().mask).bits() & wanted;
            if (!now_ready)
                return Errno::eintr;
        }
    }
}

} // namespace asterix::services
