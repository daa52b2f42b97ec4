// rt_sigaction, rt_sigprocmask, sigaltstack. Dispositions and masks are recorded; delivery
// comes with the signals issue.

#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
constexpr u64 sigset_bytes = 8;
constexpr u64 unblockable = (1ull << (sigkill - 1)) | (1ull << (sigstop - 1));
constexpr int sig_block = 0;
constexpr int sig_unblock = 1;
constexpr int sig_setmask = 2;
constexpr i32 ss_onstack = 1;
constexpr i32 ss_disable = 2;
constexpr i32 ss_autodisarm = 1 << 31;
constexpr u64 minsigstksz = 2048;
} // namespace

Result<long> sys_rt_sigaction(Context& ctx, int sig, UserPtr<abi::KSigAction> act, UserPtr<abi::KSigAction> old_act, u64 sigsetsize)
{
    if (sigsetsize != sigset_bytes || sig < 1 || sig > signal_count)
        return Errno::einval;
    if (!act.is_null() && (sig == sigkill || sig == sigstop))
        return Errno::einval;
    auto& slot = ctx.process().sig_actions[sig - 1];
    abi::KSigAction previous = slot;
    if (!act.is_null()) {
        abi::KSigAction action = TRY(ctx.user().read(act));
        action.mask &= ~unblockable;
        slot = action;
    }
    if (!old_act.is_null())
        TRY(ctx.user().write(old_act, previous));
    return 0;
}

Result<long> sys_rt_sigprocmask(Context& ctx, int how, UserPtr<u64> set, UserPtr<u64> old_set, u64 sigsetsize)
{
    if (sigsetsize != sigset_bytes)
        return Errno::einval;
    u64& mask = ctx.thread().sig_mask;
    u64 previous = mask;
    if (!set.is_null()) {
        u64 change = TRY(ctx.user().read(set));
        switch (how) {
        case sig_block:
            mask |= change;
            break;
        case sig_unblock:
            mask &= ~change;
            break;
        case sig_setmask:
            mask = change;
            break;
        default:
            return Errno::einval;
        }
        mask &= ~unblockable;
    }
    if (!old_set.is_null())
        TRY(ctx.user().write(old_set, previous));
    return 0;
}

Result<long> sys_sigaltstack(Context& ctx, UserPtr<abi::StackT> stack, UserPtr<abi::StackT> old_stack)
{
    abi::StackT previous = ctx.thread().alt_stack;
    if (!stack.is_null()) {
        abi::StackT next = TRY(ctx.user().read(stack));
        next.pad = 0;
        i32 mode = next.flags & ~ss_autodisarm;
        if (mode != 0 && mode != ss_disable && mode != ss_onstack)
            return Errno::einval;
        if (mode == ss_disable) {
            next = {0, ss_disable, 0, 0};
        } else if (next.size < minsigstksz) {
            return Errno::enomem;
        }
        ctx.thread().alt_stack = next;
    }
    if (!old_stack.is_null())
        TRY(ctx.user().write(old_stack, previous));
    return 0;
}

} // namespace asterix::services

namespace asterix::services {

namespace {
/// A signal sent to the calling process itself. FIXME: with signal delivery, handlers run and
/// other processes can be targets; until then the default action happens or it is ignored.
Result<long> signal_self(Context& ctx, int sig)
{
    if (sig < 0 || sig > signal_count)
        return Errno::einval;
    if (sig == 0)
        return 0;
    const auto& action = ctx.process().sig_actions[sig - 1];
    constexpr u64 sig_ign = 1;
    bool is_ignored_by_default = sig == 17 || sig == 18 || sig == 23 || sig == 28; // CHLD CONT URG WINCH
    if (action.handler == sig_ign || (action.handler == 0 && is_ignored_by_default))
        return 0;
    ctx.thread().is_exiting = true;
    exit_process(ctx.process(), sig | (dumps_core_by_default(sig) ? 0x80 : 0));
    return 0;
}
} // namespace

Result<long> sys_kill(Context& ctx, i32 pid, int sig)
{
    if (pid != ctx.process().pid() && pid != 0 && pid != -1)
        return Errno::esrch;
    return signal_self(ctx, sig);
}

Result<long> sys_tkill(Context& ctx, i32 tid, int sig)
{
    if (tid != ctx.thread().tid())
        return tid <= 0 ? Errno::einval : Errno::esrch;
    return signal_self(ctx, sig);
}

Result<long> sys_tgkill(Context& ctx, i32 tgid, i32 tid, int sig)
{
    if (tgid <= 0 || tid <= 0)
        return Errno::einval;
    if (tgid != ctx.process().pid() || tid != ctx.thread().tid())
        return Errno::esrch;
    return signal_self(ctx, sig);
}

} // namespace asterix::services
