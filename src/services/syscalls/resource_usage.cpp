// getrusage, times, getpriority, setpriority, sched_setaffinity, sched_getscheduler,
// sched_setscheduler, sched_getparam, sysinfo

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
        out.utime = to_timeval(ctx.thread().user_ns);
        out.stime = to_timeval(ctx.thread().system_ns);
        break;
    case abi::rusage_children:
        out.utime = to_timeval(process.cpu_times().children_user_ns);
        out.stime = to_timeval(process.cpu_times().children_system_ns);
        break;
    default:
        return Errno::einval;
    }
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
/// The processes getpriority/setpriority name: one process, a process group, or a user's.
std::vector<Process*> priority_targets(Context& ctx, int which, i32 who)
{
    std::vector<Process*> targets;
    for (auto& [pid, process] : ProcessTable::all()) {
        if (process->has_exited())
            continue;
        bool is_match = which == abi::prio_process ? pid == (who ? who : ctx.process().pid())
            : which == abi::prio_pgrp ? process->pgid() == (who ? who : ctx.process().pgid())
                                      : process->credentials().uid == static_cast<u32>(who ? who : static_cast<i32>(ctx.thread().credentials().uid));
        if (is_match)
            targets.push_back(process);
    }
    return targets;
}
} // namespace

// FIXME: the scheduler is round robin; the nice value is kept and reported, not yet obeyed.
Result<long> sys_getpriority(Context& ctx, int which, i32 who)
{
    if (which < abi::prio_process || which > abi::prio_user)
        return Errno::einval;
    auto targets = priority_targets(ctx, which, who);
    if (targets.empty())
        return Errno::esrch;
    int best = 19;
    for (Process* process : targets)
        best = std::min(best, process->nice());
    return 20 - best; // the raw syscall returns 20 - nice, see the NOTES of getpriority(2)
}

Result<long> sys_setpriority(Context& ctx, int which, i32 who, int prio)
{
    if (which < abi::prio_process || which > abi::prio_user)
        return Errno::einval;
    auto targets = priority_targets(ctx, which, who);
    if (targets.empty())
        return Errno::esrch;
    int nice = std::clamp(prio, -20, 19);
    for (Process* process : targets) {
        if (nice < process->nice() && !ctx.thread().credentials().has_capability(abi::Capability::sys_nice))
            return Errno::eacces;
        process->set_nice(nice);
    }
    return 0;
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

Result<long> sys_sched_getscheduler(Context& ctx, i32 pid)
{
    if (pid < 0)
        return Errno::einval;
    if (pid != 0 && !ProcessTable::find_thread(pid))
        return Errno::esrch;
    return abi::sched_other;
}

Result<long> sys_sched_getparam(Context& ctx, i32 pid, UserPtr<i32> param)
{
    if (pid < 0 || param.is_null())
        return Errno::einval;
    if (pid != 0 && !ProcessTable::find_thread(pid))
        return Errno::esrch;
    TRY(ctx.user().write(param, i32 {0}));
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
