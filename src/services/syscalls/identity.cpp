// getpid, gettid, getppid, getuid, geteuid, getgid, getegid, getgroups, getpgrp, getpgid,
// setpgid, getsid, setsid, and the set*id calls for the one user

#include "services/process/process_table.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_getpid(Context& ctx) { return ctx.process().pid(); }
Result<long> sys_gettid(Context& ctx) { return ctx.thread().tid(); }
Result<long> sys_getppid(Context& ctx) { return ctx.process().ppid(); }
Result<long> sys_getuid(Context& ctx) { return ctx.process().uid; }
Result<long> sys_geteuid(Context& ctx) { return ctx.process().uid; }
Result<long> sys_getgid(Context& ctx) { return ctx.process().gid; }
Result<long> sys_getegid(Context& ctx) { return ctx.process().gid; }

Result<long> sys_getgroups(Context& ctx, int size, UserPtr<u32> list)
{
    // FIXME: supplementary groups come with full credentials; a process has none.
    if (size < 0)
        return Errno::einval;
    return 0;
}

Result<long> sys_getpgrp(Context& ctx) { return ctx.process().pgid; }

Result<long> sys_getpgid(Context& ctx, i32 pid)
{
    Process* target = pid == 0 ? &ctx.process() : ProcessTable::find(pid);
    if (!target || target->has_exited)
        return Errno::esrch;
    return target->pgid;
}

Result<long> sys_getsid(Context& ctx, i32 pid)
{
    Process* target = pid == 0 ? &ctx.process() : ProcessTable::find(pid);
    if (!target || target->has_exited)
        return Errno::esrch;
    return target->sid;
}

Result<long> sys_setpgid(Context& ctx, i32 pid, i32 pgid)
{
    if (pgid < 0)
        return Errno::einval;
    Process& caller = ctx.process();
    Process* target = pid == 0 ? &caller : ProcessTable::find(pid);
    if (!target || target->has_exited)
        return Errno::esrch;
    // setpgid(2): the caller or one of its children, in the caller's session, not a leader.
    if (target != &caller) {
        if (target->parent() != &caller)
            return Errno::esrch;
        if (target->sid != caller.sid)
            return Errno::eperm;
    }
    if (target->sid == target->pid())
        return Errno::eperm;
    i32 group = pgid == 0 ? target->pid() : pgid;
    if (group != target->pid()) {
        bool is_group_in_session = false;
        for (auto& [id, process] : ProcessTable::all())
            is_group_in_session |= process->pgid == group && process->sid == caller.sid && !process->has_exited;
        if (!is_group_in_session)
            return Errno::eperm;
    }
    target->pgid = group;
    return 0;
}

Result<long> sys_setsid(Context& ctx)
{
    Process& caller = ctx.process();
    for (auto& [id, process] : ProcessTable::all()) {
        if (process->pgid == caller.pid() && !process->has_exited)
            return Errno::eperm; // already a group leader
    }
    caller.sid = caller.pid();
    caller.pgid = caller.pid();
    return caller.sid;
}

// The kernel knows one user; changing to it is allowed, to anyone else refused.
Result<long> sys_setuid(Context& ctx, u32 uid) { return uid == ctx.process().uid ? 0 : Result<long>(Errno::eperm); }
Result<long> sys_setgid(Context& ctx, u32 gid) { return gid == ctx.process().gid ? 0 : Result<long>(Errno::eperm); }

} // namespace asterix::services
