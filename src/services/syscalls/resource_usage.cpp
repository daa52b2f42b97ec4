// getrusage, times, getpriority, setpriority, sched_setaffinity, sysinfo

#include <algorithm>
#include <vector>

#include "frame/clock.h"
#include "frame/phys_mem.h"
#include "services/abi/resource.h"
#include "services/abi/sched.h"
#include "services/process/process_table.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

abi::Timeval to_timeval(u64 ns) { return {static_cast<i64>(ns / 1'000'000'000), static_cast<i64>(ns % 1'000'000'000 / 1000)}; }


} // namespace

Result<long> sys_getrusage(Context& ctx, int who, UserPtr<abi::Rusage> usage)
{
    Process& process = ctx.process();
    abi::Rusage out {};
    switch (who) {
    case abi::rusage_self:
        out.utime = to_timeval(process.cpu_times().user_ns);
        out.stime = to_timeval(process.cpu_times().system_ns);
        break;
    case abi::rusage_thread:
        out.utime = to_timeval(ctx.thread().user_ns());
        out.stime = to_timeval(ctx.thread().system_ns());
        break;
    case abi::rusage_children:
        out.utime = to_timeval(process.cpu_times().children_user_ns);
        out.stime = to_timeval(process.cpu_times().children_system_ns);
        break;
    default:
        return Errno::einval;
    }
    // ru_minflt: the faults of the address space (FIXME: per thread and across exec on Linux,
    // and the children's are not summed).
    if (who != abi::rusage_children && ctx.process().memory())
        out.counters[abi::rusage_minflt_index] = static_cast<i64>(ctx.process().vm().fault_count());
    TRY(ctx.user().write(usage, out));
    return 0;
}

Result<long> sys_times(Context& ctx, UserPtr<abi::Tms> buf)
{
    Process& process = ctx.process();
    auto ticks = [](u64 ns) { return static_cast<i64>(ns / 10'000'000); };
    if (!buf.is_null())
        TRY(ctx.user().write(buf, abi::Tms {ticks(process.cpu_times().user_ns), ticks(process.cpu_times().system_ns), ticks(process.cpu_times().children_user_ns),
                                      ticks(process.cpu_times().children_system_ns)}));
    return static_cast<long>(ProcessTable::uptime_ns() / 10'000'000);
}

namespace {
/// The threads getpriority/setpriority name (Linux's sys_setpriority): PRIO_PROCESS names one
/// thread by its id (a process's id is its main thread's), PRIO_PGRP every thread of a
/// process group, PRIO_USER every thread whose real user is `who`.
std::vector<Thread*> priority_targets(Context& ctx, int which, i32 who)
{
    std::vector<Thread*> targets;
    if (which == abi::prio_process) {
        Thread* thread = who ? ProcessTable::find_thread(who) : &ctx.thread();
        if (thread && !thread->process().has_exited())
            targets.push_back(thread);
        return targets;
    }
    i32 pgid = who ? who : ctx.process().pgid();
    u32 uid = who ? static_cast<u32>(who) : ctx.thread().credentials().uid;
    for (auto& [pid, process] : ProcessTable::all()) {
        if (process->has_exited() || (which == abi::prio_pgrp && process->pgid() != pgid))
            continue;
        for (const auto& thread : process->threads()) {
            if (which == abi::prio_pgrp || thread->credentials().uid == uid)
                targets.push_back(thread.get());
        }
    }
    return targets;
}
} // namespace

Result<long> sys_getpriority(Context& ctx, int which, i32 who)
{
    if (which < abi::prio_process || which > abi::prio_user)
        return Errno::einval;
    auto targets = priority_targets(ctx, which, who);
    if (targets.empty())
        return Errno::esrch;
    int best = 19;
    for (Thread* thread : targets)
        best = std::min(best, thread->nice());
    return 20 - best; // the raw syscall returns 20 - nice, see the NOTES of getpriority(2)
}

/// Linux's set_one_prio for each target: EPERM for another user's thread, EACCES for a
/// better nice value without CAP_SYS_NICE or room under RLIMIT_NICE; the others still change.
Result<long> sys_setpriority(Context& ctx, int which, i32 who, int prio)
{
    if (which < abi::prio_process || which > abi::prio_user)
        return Errno::einval;
    auto targets = priority_targets(ctx, which, who);
    if (targets.empty())
        return Errno::esrch;
    int nice = std::clamp(prio, -20, 19);
    const Credentials& creds = ctx.thread().credentials();
    Result<long> result = 0;
    for (Thread* thread : targets) {
        const Credentials& owner = thread->credentials();
        if (owner.uid != creds.euid && owner.euid != creds.euid && !creds.has_capability(abi::Capability::sys_nice)) {
            result = Errno::eperm;
            continue;
        }
        bool may_lower = static_cast<u64>(20 - nice) <= thread->process().rlimit(abi::rlimit_nice).cur
            || creds.has_capability(abi::Capability::sys_nice);
        if (nice < thread->nice() && !may_lower) {
            result = Errno::eacces;
            continue;
        }
        thread->set_nice(nice);
    }
    return result;
}

Result<long> sys_sched_setaffinity(Context& ctx, i32 pid, u64 len, UserPtr<u8> mask)
{
    if (pid != 0 && !ProcessTable::find_thread(pid))
        return Errno::esrch;
    if (len == 0)
        return Errno::einval;
    u8 first = TRY(ctx.user().read(mask));
    // The one CPU must be in the set.
    if (!(first & 1))
        return Errno::einval;
    return 0;
}

Result<long> sys_sysinfo(Context& ctx, UserPtr<abi::SysInfo> info)
{
    abi::SysInfo out {};
    out.uptime = static_cast<i64>(ProcessTable::uptime_ns() / 1'000'000'000);
    out.totalram = frame::total_frames() * page_size;
    out.freeram = frame::free_frames() * page_size;
    out.procs = static_cast<u16>(ProcessTable::all().size());
    out.mem_unit = 1;
    TRY(ctx.user().write(UserPtr<abi::SysInfo>(info.addr()), out));
    return 0;
}

} // namespace asterix::services
