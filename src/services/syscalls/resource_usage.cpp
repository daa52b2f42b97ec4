// getrusage, times, getpriority, setpriority, sched_setaffinity, sched_getscheduler,
// sched_setscheduler, sched_getparam, sysinfo

#include "frame/clock.h"
#include "frame/phys_mem.h"
#include "services/process/process_table.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
constexpr int rusage_self = 0;
constexpr int rusage_children = -1;
constexpr int rusage_thread = 1;
constexpr int prio_process = 0;
constexpr int prio_pgrp = 1;
constexpr int prio_user = 2;

abi::Timeval to_timeval(u64 ns) { return {static_cast<i64>(ns / 1'000'000'000), static_cast<i64>(ns % 1'000'000'000 / 1000)}; }


} // namespace

Result<long> sys_getrusage(Context& ctx, int who, UserPtr<abi::Rusage> usage)
{
    Process& process = ctx.process();
    abi::Rusage out {};
    switch (who) {
    case rusage_self:
    case rusage_thread:
        out.utime = to_timeval(process.user_ns);
        out.stime = to_timeval(process.system_ns);
        break;
    case rusage_children:
        out.utime = to_timeval(process.children_user_ns);
        out.stime = to_timeval(process.children_system_ns);
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
        TRY(ctx.user().write(buf, abi::Tms {ticks(process.user_ns), ticks(process.system_ns), ticks(process.children_user_ns),
                                      ticks(process.children_system_ns)}));
    return static_cast<long>(ProcessTable::uptime_ns() / 10'000'000);
}

Result<long> sys_getpriority(Context& ctx, int which, i32 who)
{
    if (which < prio_process || which > prio_user)
        return Errno::einval;
    if (which == prio_process && who != 0 && !ProcessTable::find(who))
        return Errno::esrch;
    // FIXME: one vCPU and a round-robin scheduler: every process has nice 0 (returned as 20 - nice).
    return 20;
}

Result<long> sys_setpriority(Context& ctx, int which, i32 who, int prio)
{
    if (which < prio_process || which > prio_user)
        return Errno::einval;
    if (which == prio_process && who != 0 && !ProcessTable::find(who))
        return Errno::esrch;
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
    return 0; // SCHED_OTHER
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
