// sched_yield, sched_getaffinity, sched_setscheduler, sched_getscheduler, sched_setparam,
// sched_getparam, sched_get_priority_max/min, sched_rr_get_interval, getcpu, personality
// (kernel/sched/syscalls.c). The scheduler itself time-shares the one CPU; a policy and a
// real-time priority are kept and reported, with Linux's checks on who may set them.

#include "frame/task.h"
#include "services/abi/sched.h"
#include "services/process/process_table.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

bool is_realtime(int policy) { return policy == abi::sched_fifo || policy == abi::sched_rr; }

bool is_valid_policy(int policy)
{
    return policy == abi::sched_other || policy == abi::sched_batch || policy == abi::sched_idle || is_realtime(policy)
        || policy == abi::sched_deadline;
}

/// The process a sched_* call names by thread id (0: the caller): EINVAL below 0, ESRCH.
Result<Process*> sched_target(Context& ctx, i32 pid)
{
    if (pid < 0)
        return Errno::einval;
    if (pid == 0)
        return &ctx.process();
    Thread* thread = ProcessTable::find_thread(pid);
    if (!thread || thread->process().has_exited())
        return Errno::esrch;
    return &thread->process();
}

/// Linux's __sched_setscheduler for a caller without CAP_SYS_NICE and the checks before it.
/// `policy` -1 keeps the current one (sched_setparam).
Result<long> set_scheduler(Context& ctx, i32 pid, int policy, UserPtr<i32> uparam)
{
    if (uparam.is_null() || pid < 0)
        return Errno::einval;
    i32 priority_value = TRY(ctx.user().read(uparam));
    Process* target = TRY(sched_target(ctx, pid));
    const Process::Scheduling& current = target->scheduling();
    bool is_reset_on_fork = current.is_reset_on_fork;
    if (policy < 0) {
        policy = current.policy;
    } else {
        is_reset_on_fork = policy & abi::sched_reset_on_fork;
        policy &= ~abi::sched_reset_on_fork;
        if (!is_valid_policy(policy))
            return Errno::einval;
    }
    u32 priority = static_cast<u32>(priority_value);
    if (priority > abi::max_rt_prio - 1)
        return Errno::einval;
    // A deadline task needs sched_setattr's runtime, deadline and period.
    if (policy == abi::sched_deadline || is_realtime(policy) != (priority != 0))
        return Errno::einval;
    const Credentials& creds = ctx.thread().credentials();
    if (!creds.has_capability(abi::Capability::sys_nice)) {
        if (is_realtime(policy)) {
            u64 rtprio_limit = target->rlimit(abi::rlimit_rtprio).cur;
            if (policy != current.policy && rtprio_limit == 0)
                return Errno::eperm;
            if (priority > current.priority && priority > rtprio_limit)
                return Errno::eperm;
        }
        // Leaving SCHED_IDLE takes the right to the nice value held (can_nice).
        if (current.policy == abi::sched_idle && policy != abi::sched_idle
            && static_cast<u64>(20 - target->nice()) > target->rlimit(abi::rlimit_nice).cur)
            return Errno::eperm;
        const Credentials& owner = target->credentials();
        if (creds.euid != owner.uid && creds.euid != owner.euid)
            return Errno::eperm;
        if (current.is_reset_on_fork && !is_reset_on_fork)
            return Errno::eperm;
    }
    target->set_scheduling(Process::Scheduling {policy, priority, is_reset_on_fork});
    return 0;
}

} // namespace

Result<long> sys_sched_yield(Context& ctx)
{
    frame::yield();
    return 0;
}

Result<long> sys_sched_getaffinity(Context& ctx, i32 pid, u64 len, UserPtr<u8> mask)
{
    // The kernel has one (virtual) CPU; its mask is one unsigned long.
    constexpr u64 mask_bytes = 8;
    if (len < mask_bytes || (len & (mask_bytes - 1)))
        return Errno::einval;
    if (pid != 0 && pid != ctx.process().pid())
        return Errno::esrch;
    TRY(ctx.user().write(UserPtr<u64>(mask.addr()), u64 {1}));
    return mask_bytes;
}

Result<long> sys_sched_setparam(Context& ctx, i32 pid, UserPtr<i32> param)
{
    return set_scheduler(ctx, pid, -1, param);
}

Result<long> sys_sched_setscheduler(Context& ctx, i32 pid, int policy, UserPtr<i32> param)
{
    if (policy < 0)
        return Errno::einval;
    return set_scheduler(ctx, pid, policy, param);
}

Result<long> sys_sched_getscheduler(Context& ctx, i32 pid)
{
    Process* target = TRY(sched_target(ctx, pid));
    const Process::Scheduling& scheduling = target->scheduling();
    return scheduling.policy | (scheduling.is_reset_on_fork ? abi::sched_reset_on_fork : 0);
}

Result<long> sys_sched_getparam(Context& ctx, i32 pid, UserPtr<i32> param)
{
    if (pid < 0 || param.is_null())
        return Errno::einval;
    Process* target = TRY(sched_target(ctx, pid));
    TRY(ctx.user().write(param, static_cast<i32>(target->scheduling().priority)));
    return 0;
}

Result<long> sys_sched_get_priority_max(Context& ctx, int policy)
{
    if (!is_valid_policy(policy))
        return Errno::einval;
    return is_realtime(policy) ? abi::max_rt_prio - 1 : 0;
}

Result<long> sys_sched_get_priority_min(Context& ctx, int policy)
{
    if (!is_valid_policy(policy))
        return Errno::einval;
    return is_realtime(policy) ? 1 : 0;
}

Result<long> sys_sched_rr_get_interval(Context& ctx, i32 pid, UserPtr<abi::Timespec> interval)
{
    Process* target = TRY(sched_target(ctx, pid));
    int policy = target->scheduling().policy;
    i64 slice_ns = policy == abi::sched_rr ? abi::rr_timeslice_ns : policy == abi::sched_fifo ? 0 : abi::fair_slice_ns;
    TRY(ctx.user().write(interval, abi::Timespec {slice_ns / 1'000'000'000, slice_ns % 1'000'000'000}));
    return 0;
}

Result<long> sys_getcpu(Context& ctx, UserPtr<u32> cpu, UserPtr<u32> node, u64 cache)
{
    // One CPU, on one NUMA node.
    if (!cpu.is_null())
        TRY(ctx.user().write(cpu, u32 {0}));
    if (!node.is_null())
        TRY(ctx.user().write(node, u32 {0}));
    return 0;
}

Result<long> sys_personality(Context& ctx, u32 persona)
{
    // 0xffffffff only asks; any other value is taken as it is, as Linux does.
    u32 old = ctx.process().personality();
    if (persona != 0xffffffffu)
        ctx.process().set_personality(persona);
    return old;
}

} // namespace asterix::services
