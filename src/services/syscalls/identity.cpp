// getpid, gettid, getppid, getuid, geteuid, getgid, getegid, getgroups, getpgrp, getpgid,
// setpgid, getsid, setsid, and the set*id calls for the one user

#include "services/abi/limits.h"
#include "services/process/process_table.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_getpid(Context& ctx) { return ctx.process().pid(); }
Result<long> sys_gettid(Context& ctx) { return ctx.thread().tid(); }
Result<long> sys_getppid(Context& ctx) { return ctx.process().ppid(); }
Result<long> sys_getuid(Context& ctx) { return ctx.process().uid; }
Result<long> sys_geteuid(Context& ctx) { return ctx.process().euid; }
Result<long> sys_getgid(Context& ctx) { return ctx.process().gid; }
Result<long> sys_getegid(Context& ctx) { return ctx.process().egid; }

Result<long> sys_getgroups(Context& ctx, int size, UserPtr<u32> list)
{
    const auto& groups = ctx.process().groups;
    if (size < 0)
        return Errno::einval;
    if (size == 0)
        return static_cast<long>(groups.size());
    if (static_cast<usize>(size) < groups.size())
        return Errno::einval;
    for (usize i = 0; i < groups.size(); ++i)
        TRY(ctx.user().write(list.element(i), groups[i]));
    return static_cast<long>(groups.size());
}

Result<long> sys_setgroups(Context& ctx, int size, UserPtr<u32> list)
{
    if (size < 0 || size > abi::ngroups_max)
        return Errno::einval;
    if (ctx.process().euid != 0)
        return Errno::eperm;
    std::vector<u32> groups(static_cast<usize>(size));
    for (int i = 0; i < size; ++i)
        groups[i] = TRY(ctx.user().read(list.element(i)));
    ctx.process().groups = std::move(groups);
    return 0;
}

Result<long> sys_getpgrp(Context& ctx) { return ctx.process().pgid; }

Result<long> sys_getpgid(Context& ctx, i32 pid)
{
    Process* target = pid == 0 ? &ctx.process() : ProcessTable::find(pid);
    if (!target)
        return Errno::esrch;
    return target->pgid;
}

Result<long> sys_getsid(Context& ctx, i32 pid)
{
    Process* target = pid == 0 ? &ctx.process() : ProcessTable::find(pid);
    if (!target)
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
        if (target->has_execed)
            return Errno::eacces; // setpgid(2): the child has already performed an execve
    }
    if (target->sid == target->pid())
        return Errno::eperm;
    i32 group = pgid == 0 ? target->pid() : pgid;
    if (group != target->pid()) {
        bool is_group_in_session = false;
        for (auto& [id, process] : ProcessTable::all())
            is_group_in_session |= process->pgid == group && process->sid == caller.sid; // zombies count
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
        if (process->pgid == caller.pid()) // a zombie keeps its group
            return Errno::eperm; // already a group leader
    }
    caller.sid = caller.pid();
    caller.pgid = caller.pid();
    return caller.sid;
}

namespace {
constexpr u32 unchanged = ~0u;

/// setresuid(2)'s rule: privileged (effective root) may set anything; others only to one of
/// their current real, effective or saved IDs. The file-system ID follows the effective one.
Result<long> set_ids(u32& real, u32& effective, u32& saved, u32& fs, bool is_privileged, u32 new_real, u32 new_effective, u32 new_saved)
{
    auto allowed = [&](u32 id) { return id == unchanged || is_privileged || id == real || id == effective || id == saved; };
    if (!allowed(new_real) || !allowed(new_effective) || !allowed(new_saved))
        return Errno::eperm;
    if (new_real != unchanged)
        real = new_real;
    if (new_effective != unchanged)
        effective = new_effective;
    if (new_saved != unchanged)
        saved = new_saved;
    fs = effective;
    return 0;
}
} // namespace

Result<long> sys_setresuid(Context& ctx, u32 ruid, u32 euid, u32 suid)
{
    Process& p = ctx.process();
    return set_ids(p.uid, p.euid, p.suid, p.fsuid, p.euid == 0, ruid, euid, suid);
}

Result<long> sys_setresgid(Context& ctx, u32 rgid, u32 egid, u32 sgid)
{
    Process& p = ctx.process();
    return set_ids(p.gid, p.egid, p.sgid, p.fsgid, p.euid == 0, rgid, egid, sgid);
}

namespace {
/// setreuid/setregid on one family of IDs: an unprivileged caller may set the real ID only to
/// the real or effective one; the saved ID becomes the new effective one when the real one is
/// set or the effective one changes to something other than the old real ID.
Result<long> set_real_effective(u32& real, u32& effective, u32& saved, u32& fs, bool is_privileged, u32 new_real, u32 new_effective)
{
    bool is_saved_set = new_real != unchanged || (new_effective != unchanged && new_effective != real);
    u32 new_saved = is_saved_set ? (new_effective != unchanged ? new_effective : effective) : unchanged;
    if (!is_privileged && new_real != unchanged && new_real != real && new_real != effective)
        return Errno::eperm;
    return set_ids(real, effective, saved, fs, is_privileged, new_real, new_effective, new_saved);
}
} // namespace

Result<long> sys_setreuid(Context& ctx, u32 ruid, u32 euid)
{
    Process& p = ctx.process();
    return set_real_effective(p.uid, p.euid, p.suid, p.fsuid, p.euid == 0, ruid, euid);
}

Result<long> sys_setregid(Context& ctx, u32 rgid, u32 egid)
{
    Process& p = ctx.process();
    return set_real_effective(p.gid, p.egid, p.sgid, p.fsgid, p.euid == 0, rgid, egid);
}

Result<long> sys_setuid(Context& ctx, u32 uid)
{
    Process& p = ctx.process();
    if (p.euid == 0)
        return set_ids(p.uid, p.euid, p.suid, p.fsuid, true, uid, uid, uid);
    return set_ids(p.uid, p.euid, p.suid, p.fsuid, false, unchanged, uid, unchanged);
}

Result<long> sys_setgid(Context& ctx, u32 gid)
{
    Process& p = ctx.process();
    if (p.euid == 0)
        return set_ids(p.gid, p.egid, p.sgid, p.fsgid, true, gid, gid, gid);
    return set_ids(p.gid, p.egid, p.sgid, p.fsgid, false, unchanged, gid, unchanged);
}

Result<long> sys_getresuid(Context& ctx, UserPtr<u32> ruid, UserPtr<u32> euid, UserPtr<u32> suid)
{
    TRY(ctx.user().write(ruid, ctx.process().uid));
    TRY(ctx.user().write(euid, ctx.process().euid));
    TRY(ctx.user().write(suid, ctx.process().suid));
    return 0;
}

Result<long> sys_getresgid(Context& ctx, UserPtr<u32> rgid, UserPtr<u32> egid, UserPtr<u32> sgid)
{
    TRY(ctx.user().write(rgid, ctx.process().gid));
    TRY(ctx.user().write(egid, ctx.process().egid));
    TRY(ctx.user().write(sgid, ctx.process().sgid));
    return 0;
}

Result<long> sys_setfsuid(Context& ctx, u32 fsuid)
{
    Process& p = ctx.process();
    u32 old = p.fsuid;
    if (p.euid == 0 || fsuid == p.uid || fsuid == p.euid || fsuid == p.suid || fsuid == p.fsuid)
        p.fsuid = fsuid;
    return old;
}

Result<long> sys_setfsgid(Context& ctx, u32 fsgid)
{
    Process& p = ctx.process();
    u32 old = p.fsgid;
    if (p.euid == 0 || fsgid == p.gid || fsgid == p.egid || fsgid == p.sgid || fsgid == p.fsgid)
        p.fsgid = fsgid;
    return old;
}

} // namespace asterix::services
