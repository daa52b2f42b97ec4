// sched_yield, sched_getaffinity, sched_setscheduler, sched_getscheduler, sched_setparam,
// sched_getparam, sched_get_priority_max/min, sched_rr_get_interval, sched_setattr,
// sched_getattr, getcpu, personality
// (kernel/sched/syscalls.c). Policies and nice values are per thread and set the weight of the
// thread's task: the frame's scheduler shares the one CPU by weight, as CFS does. A real-time
// priority is kept and reported, with Linux's checks on who may set them.

#include <algorithm>
#include <utility>
#include <vector>

#include "frame/bytes.h"
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

/// The thread a sched_* call names by thread id (0: the caller): EINVAL below 0, ESRCH.
/// Policies and nice values are per thread, as on Linux.
Result<Thread*> sched_target(Context& ctx, i32 pid)
{
    if (pid < 0)
        return Errno::einval;
    if (pid == 0)
        return &ctx.thread();
    Thread* thread = ProcessTable::find_thread(pid);
    if (!thread || thread->process().has_exited())
        return Errno::esrch;
    return thread;
}

/// May the target's nice value become `nice` without CAP_SYS_NICE (Linux's is_nice_reduction)?
bool is_nice_allowed(Thread& target, i32 nice)
{
    return static_cast<u64>(20 - nice) <= target.process().rlimit(abi::rlimit_nice).cur;
}

/// Linux's __checkparam_dl: runtime <= deadline <= period, within the sysctl period bounds.
bool is_valid_deadline(const abi::SchedAttr& attr)
{
    if (attr.sched_deadline == 0 || attr.sched_runtime < (1ull << abi::dl_scale))
        return false;
    if ((attr.sched_deadline & abi::dl_sign_bit) || (attr.sched_period & abi::dl_sign_bit))
        return false;
    u64 period = attr.sched_period ? attr.sched_period : attr.sched_deadline;
    if (period < attr.sched_deadline || attr.sched_deadline < attr.sched_runtime)
        return false;
    return period >= abi::dl_period_min_ns && period <= abi::dl_period_max_ns;
}

/// Linux's get_params: fills what a policy uses from the target's current scheduling.
void fill_current_params(Thread& target, abi::SchedAttr& attr)
{
    const Scheduling& current = target.scheduling();
    if (current.policy == abi::sched_deadline) {
        attr.sched_runtime = current.dl_runtime;
        attr.sched_deadline = current.dl_deadline;
        attr.sched_period = current.dl_period;
        attr.sched_flags |= current.dl_flags;
    } else if (is_realtime(current.policy)) {
        attr.sched_priority = current.priority;
    } else {
        attr.sched_nice = target.nice();
        attr.sched_runtime = current.fair_slice_ns ? current.fair_slice_ns : abi::fair_slice_ns;
    }
}

/// Linux's __sched_setscheduler for a user caller: sched_setscheduler, sched_setparam and
/// sched_setattr all end here. `policy` -1 keeps the current one (sched_setparam,
/// SCHED_FLAG_KEEP_POLICY).
Result<long> set_scheduler(Context& ctx, Thread& target, int policy, const abi::SchedAttr& attr)
{
    const Scheduling& current = target.scheduling();
    bool is_reset_on_fork = current.is_reset_on_fork;
    if (policy < 0) {
        policy = current.policy;
    } else {
        is_reset_on_fork = attr.sched_flags & abi::sched_flag_reset_on_fork;
        if (!is_valid_policy(policy))
            return Errno::einval;
    }
    if (attr.sched_flags & ~(abi::sched_flag_all | abi::sched_flag_sugov))
        return Errno::einval;
    u32 priority = attr.sched_priority;
    if (priority > abi::max_rt_prio - 1)
        return Errno::einval;
    if ((policy == abi::sched_deadline && !is_valid_deadline(attr)) || is_realtime(policy) != (priority != 0))
        return Errno::einval;
    bool is_fair = !is_realtime(policy) && policy != abi::sched_deadline;
    const Credentials& creds = ctx.thread().credentials();
    if (!creds.has_capability(abi::Capability::sys_nice)) {
        if (is_fair && attr.sched_nice < target.nice() && !is_nice_allowed(target, attr.sched_nice))
            return Errno::eperm;
        if (is_realtime(policy)) {
            u64 rtprio_limit = target.process().rlimit(abi::rlimit_rtprio).cur;
            if (policy != current.policy && rtprio_limit == 0)
                return Errno::eperm;
            if (priority > current.priority && priority > rtprio_limit)
                return Errno::eperm;
        }
        // Only a privileged caller may take a deadline policy (admission is the kernel's).
        if (policy == abi::sched_deadline)
            return Errno::eperm;
        // Leaving SCHED_IDLE takes the right to the nice value held (can_nice).
        if (current.policy == abi::sched_idle && policy != abi::sched_idle && !is_nice_allowed(target, target.nice()))
            return Errno::eperm;
        const Credentials& owner = target.credentials();
        if (creds.euid != owner.uid && creds.euid != owner.euid)
            return Errno::eperm;
        if (current.is_reset_on_fork && !is_reset_on_fork)
            return Errno::eperm;
    }
    // SCHED_FLAG_SUGOV is for the kernel's own threads.
    if (attr.sched_flags & abi::sched_flag_sugov)
        return Errno::einval;
    Scheduling next = current;
    // Linux's uclamp_validate: u32 -1 resets a clamp to its default.
    if (attr.sched_flags & abi::sched_flag_util_clamp) {
        constexpr u32 reset = ~u32 {0};
        if (attr.sched_flags & abi::sched_flag_util_clamp_min)
            next.util_min = attr.sched_util_min == reset ? 0 : attr.sched_util_min;
        if (attr.sched_flags & abi::sched_flag_util_clamp_max)
            next.util_max = attr.sched_util_max == reset ? abi::sched_capacity_scale : attr.sched_util_max;
        if (next.util_min > abi::sched_capacity_scale || next.util_max > abi::sched_capacity_scale
            || next.util_min > next.util_max)
            return Errno::einval;
    }
    if (policy == abi::sched_deadline) {
        // One CPU's admission test (sched_dl_overflow): at most 95% of it (sched_rt_runtime_us).
        u64 period = attr.sched_period ? attr.sched_period : attr.sched_deadline;
        if (attr.sched_runtime > period / 100 * abi::dl_bandwidth_percent)
            return Errno::ebusy;
        next.dl_runtime = attr.sched_runtime;
        next.dl_deadline = attr.sched_deadline;
        next.dl_period = period;
        next.dl_flags = attr.sched_flags & (abi::sched_flag_reclaim | abi::sched_flag_dl_overrun);
    }
    next.is_reset_on_fork = is_reset_on_fork;
    // SCHED_FLAG_KEEP_PARAMS changes only the flags and clamps: the policy stays too, as
    // Linux skips __setscheduler_params for it.
    if (attr.sched_flags & abi::sched_flag_keep_params) {
        target.set_scheduling(next);
        return 0;
    }
    // A fair task's runtime asks for its own slice, within 0.1 to 100 ms (Linux 6.12's
    // __setscheduler_params).
    if (is_fair)
        next.fair_slice_ns = attr.sched_runtime ? std::clamp(attr.sched_runtime, abi::fair_slice_min_ns, abi::fair_slice_max_ns) : 0;
    next.policy = policy;
    next.priority = priority;
    target.set_scheduling(next);
    if (is_fair)
        target.set_nice(attr.sched_nice);
    return 0;
}

/// sched_setscheduler and sched_setparam: a struct sched_param holds only the priority; the
/// nice value stays (Linux's _sched_setscheduler).
Result<long> set_scheduler(Context& ctx, i32 pid, int policy, UserPtr<i32> uparam)
{
    if (uparam.is_null() || pid < 0)
        return Errno::einval;
    i32 priority_value = TRY(ctx.user().read(uparam));
    Thread* target = TRY(sched_target(ctx, pid));
    abi::SchedAttr attr {};
    attr.sched_priority = static_cast<u32>(priority_value);
    attr.sched_nice = target->nice();
    attr.sched_runtime = target->scheduling().fair_slice_ns;
    if (policy >= 0 && (policy & abi::sched_reset_on_fork)) {
        attr.sched_flags = abi::sched_flag_reset_on_fork;
        policy &= ~abi::sched_reset_on_fork;
    }
    return set_scheduler(ctx, *target, policy, attr);
}

/// Linux's sched_copy_attr: a size of 0 means SCHED_ATTR_SIZE_VER0; a size too small or too
/// big (or bigger with nonzero bytes beyond what is known) is E2BIG with the known size
/// written back into the caller's struct.
Result<abi::SchedAttr> read_sched_attr(Context& ctx, UserPtr<abi::SchedAttr> uattr)
{
    u32 size = TRY(ctx.user().read(UserPtr<u32>(uattr.addr())));
    if (size == 0)
        size = abi::sched_attr_size_ver0;
    bool is_size_ok = size >= abi::sched_attr_size_ver0 && size <= page_size;
    abi::SchedAttr attr {};
    if (is_size_ok) {
        std::vector<u8> raw(size);
        TRY(ctx.user().read_bytes(uattr.addr(), raw));
        for (u64 at = sizeof(abi::SchedAttr); at < size; ++at)
            is_size_ok = is_size_ok && raw[at] == 0;
        auto bytes = object_bytes(attr);
        std::copy(raw.begin(), raw.begin() + std::min<u64>(size, sizeof(abi::SchedAttr)), bytes.begin());
    }
    if (!is_size_ok) {
        TRY(ctx.user().write(UserPtr<u32>(uattr.addr()), abi::sched_attr_size_ver1));
        return Errno::e2big;
    }
    if ((attr.sched_flags & abi::sched_flag_util_clamp) && size < abi::sched_attr_size_ver1)
        return Errno::einval;
    attr.sched_nice = std::clamp(attr.sched_nice, -20, 19);
    return attr;
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
    Thread* target = TRY(sched_target(ctx, pid));
    const Scheduling& scheduling = target->scheduling();
    return scheduling.policy | (scheduling.is_reset_on_fork ? abi::sched_reset_on_fork : 0);
}

Result<long> sys_sched_getparam(Context& ctx, i32 pid, UserPtr<i32> param)
{
    if (pid < 0 || param.is_null())
        return Errno::einval;
    Thread* target = TRY(sched_target(ctx, pid));
    TRY(ctx.user().write(param, static_cast<i32>(target->scheduling().priority)));
    return 0;
}

Result<long> sys_sched_setattr(Context& ctx, i32 pid, UserPtr<abi::SchedAttr> uattr, u32 flags)
{
    if (uattr.is_null() || pid < 0 || flags)
        return Errno::einval;
    abi::SchedAttr attr = TRY(read_sched_attr(ctx, uattr));
    int policy = static_cast<int>(attr.sched_policy);
    if (policy < 0)
        return Errno::einval;
    if (attr.sched_flags & abi::sched_flag_keep_policy)
        policy = -1;
    Thread* target = TRY(sched_target(ctx, pid));
    if (attr.sched_flags & abi::sched_flag_keep_params)
        fill_current_params(*target, attr);
    return set_scheduler(ctx, *target, policy, attr);
}

Result<long> sys_sched_getattr(Context& ctx, i32 pid, UserPtr<abi::SchedAttr> uattr, u32 size, u32 flags)
{
    if (uattr.is_null() || pid < 0 || size > page_size || size < abi::sched_attr_size_ver0 || flags)
        return Errno::einval;
    Thread* target = TRY(sched_target(ctx, pid));
    const Scheduling& current = target->scheduling();
    abi::SchedAttr attr {};
    attr.sched_policy = static_cast<u32>(current.policy);
    if (current.is_reset_on_fork)
        attr.sched_flags |= abi::sched_flag_reset_on_fork;
    fill_current_params(*target, attr);
    attr.sched_flags &= abi::sched_flag_all;
    attr.sched_util_min = current.util_min;
    attr.sched_util_max = current.util_max;
    // Linux's sched_attr_copy_to_user: the caller gets what both sides know and that size;
    // a longer struct's unknown tail is zeroed (copy_struct_to_user, since Linux 6.13).
    attr.size = std::min<u32>(size, sizeof(abi::SchedAttr));
    TRY(ctx.user().write_bytes(uattr.addr(), object_bytes(std::as_const(attr)).first(attr.size)));
    if (size > attr.size)
        TRY(ctx.user().zero_bytes(uattr.addr() + attr.size, size - attr.size));
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
    Thread* target = TRY(sched_target(ctx, pid));
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
