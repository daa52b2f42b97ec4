// getpid, gettid, getppid, getuid, geteuid, getgid, getegid, getgroups, getpgrp, getpgid,
// setpgid, getsid, setsid, and the set*id calls on the calling thread's credentials

#include "services/abi/limits.h"
#include "services/process/process_table.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_getpid(Context& ctx) { return ctx.process().pid(); }
Result<long> sys_gettid(Context& ctx) { return ctx.thread().tid(); }
Result<long> sys_getppid(Context& ctx) { return ctx.process().ppid(); }
Result<long> sys_getuid(Context& ctx) { return ctx.thread().credentials().uid; }
Result<long> sys_geteuid(Context& ctx) { return ctx.thread().credentials().euid; }
Result<long> sys_getgid(Context& ctx) { return ctx.thread().credentials().gid; }
Result<long> sys_getegid(Context& ctx) { return ctx.thread().credentials().egid; }

Result<long> sys_getgroups(Context& ctx, int size, UserPtr<u32> list)
{
    const auto& groups = ctx.thread().credentials().groups;
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
    if (!ctx.thread().credentials().has_capability(abi::Capability::setgid))
        return Errno::eperm;
    std::vector<u32> groups(static_cast<usize>(size));
    for (int i = 0; i < size; ++i)
        groups[i] = TRY(ctx.user().read(list.element(i)));
    auto changed = ctx.thread().credentials().copy();
    changed->groups = std::move(groups);
    ctx.thread().set_credentials(std::move(changed));
    return 0;
}

Result<long> sys_getpgrp(Context& ctx) { return ctx.process().pgid(); }

Result<long> sys_getpgid(Context& ctx, i32 pid)
{
    Process* target = pid == 0 ? &ctx.process() : ProcessTable::find(pid);
    if (!target)
        return Errno::esrch;
    return target->pgid();
}

Result<long> sys_getsid(Context& ctx, i32 pid)
{
    Process* target = pid == 0 ? &ctx.process() : ProcessTable::find(pid);
    if (!target)
        return Errno::esrch;
    return target->sid();
}

Result<long> sys_setpgid(Context& ctx, i32 pid, i32 pgid)
{
    if (pgid < 0)
        return Errno::einval;
    Process& caller = ctx.process();
    Process* target = pid == 0 ? &caller : ProcessTable::find(pid);
    if (!target || target->has_exited())
        return Errno::esrch;
    // setpgid(2): the caller or one of its children, in the caller's session, not a leader.
    if (target != &caller) {
        if (target->parent() != &caller)
            return Errno::esrch;
        if (target->sid() != caller.sid())
            return Errno::eperm;
        if (target->has_execed())
            return Errno::eacces; // setpgid(2): the child has already performed an execve
    }
    if (target->sid() == target->pid())
        return Errno::eperm;
    i32 group = pgid == 0 ? target->pid() : pgid;
    if (group != target->pid()) {
        bool is_group_in_session = false;
        for (auto& [id, process] : ProcessTable::all())
            is_group_in_session |= process->pgid() == group && process->sid() == caller.sid(); // zombies count
        if (!is_group_in_session)
            return Errno::eperm;
    }
    target->set_pgid(group);
    return 0;
}

Result<long> sys_setsid(Context& ctx)
{
    Process& caller = ctx.process();
    for (auto& [id, process] : ProcessTable::all()) {
        if (process->pgid() == caller.pid()) // a zombie keeps its group
            return Errno::eperm; // already a group leader
    }
    caller.become_session_leader();
    return caller.sid();
}

namespace {
constexpr u32 unchanged = ~0u;

/// Which IDs a set*id call changes: the user family or the group family.
enum class IdFamily { user, group };

struct IdRefs {
    u32& real;
    u32& effective;
    u32& saved;
    u32& fs;
};

IdRefs ids_of(Credentials& creds, IdFamily family)
{
    if (family == IdFamily::user)
        return {creds.uid, creds.euid, creds.suid, creds.fsuid};
    return {creds.gid, creds.egid, creds.sgid, creds.fsgid};
}

/// Whether the caller may set any ID of the family: CAP_SETUID or CAP_SETGID.
bool is_privileged(const Credentials& creds, IdFamily family)
{
    return creds.has_capability(family == IdFamily::user ? abi::Capability::setuid : abi::Capability::setgid);
}

/// Makes the change on a copy of the calling thread's credentials and installs it, with the
/// capability rules that follow a change of uids.
Result<long> commit(Context& ctx, Ref<Credentials> changed)
{
    changed->fix_capabilities_after_setuid(ctx.thread().credentials());
    ctx.thread().set_credentials(std::move(changed));
    return 0;
}

/// setresuid(2)'s rule: privileged may set anything; others only to one of their current
/// real, effective or saved IDs. The file-system ID follows the effective one.
Result<long> set_ids(Context& ctx, IdFamily family, u32 new_real, u32 new_effective, u32 new_saved)
{
    const Credentials& old = ctx.thread().credentials();
    auto changed = old.copy();
    auto ids = ids_of(*changed, family);
    bool privileged = is_privileged(old, family);
    auto allowed = [&](u32 id) { return id == unchanged || privileged || id == ids.real || id == ids.effective || id == ids.saved; };
    if (!allowed(new_real) || !allowed(new_effective) || !allowed(new_saved))
        return Errno::eperm;
    if (new_real != unchanged)
        ids.real = new_real;
    if (new_effective != unchanged)
        ids.effective = new_effective;
    if (new_saved != unchanged)
        ids.saved = new_saved;
    ids.fs = ids.effective;
    return commit(ctx, std::move(changed));
}

/// setreuid/setregid on one family of IDs: an unprivileged caller may set the real ID only to
/// the real or effective one; the saved ID becomes the new effective one when the real one is
/// set or the effective one changes to something other than the old real ID.
Result<long> set_real_effective(Context& ctx, IdFamily family, u32 new_real, u32 new_effective)
{
    const Credentials& old = ctx.thread().credentials();
    auto current = old.copy();
    auto ids = ids_of(*current, family);
    bool is_saved_set = new_real != unchanged || (new_effective != unchanged && new_effective != ids.real);
    u32 new_saved = is_saved_set ? (new_effective != unchanged ? new_effective : ids.effective) : unchanged;
    if (!is_privileged(old, family) && new_real != unchanged && new_real != ids.real && new_real != ids.effective)
        return Errno::eperm;
    return set_ids(ctx, family, new_real, new_effective, new_saved);
}

/// setuid/setgid: privileged, all three IDs; otherwise the effective one, to the real or saved.
Result<long> set_one_id(Context& ctx, IdFamily family, u32 id)
{
    if (is_privileged(ctx.thread().credentials(), family))
        return set_ids(ctx, family, id, id, id);
    return set_ids(ctx, family, unchanged, id, unchanged);
}

/// setfsuid/setfsgid: the old ID is returned whether or not the change is allowed.
Result<long> set_fs_id(Context& ctx, IdFamily family, u32 id)
{
    const Credentials& old = ctx.thread().credentials();
    auto changed = old.copy();
    auto ids = ids_of(*changed, family);
    u32 previous = ids.fs;
    if (id == unchanged)
        return previous;
    if (is_privileged(old, family) || id == ids.real || id == ids.effective || id == ids.saved || id == ids.fs) {
        ids.fs = id;
        if (family == IdFamily::user)
            changed->fix_capabilities_after_setfsuid(old);
        ctx.thread().set_credentials(std::move(changed));
    }
    return previous;
}
} // namespace

Result<long> sys_setresuid(Context& ctx, u32 ruid, u32 euid, u32 suid) { return set_ids(ctx, IdFamily::user, ruid, euid, suid); }
Result<long> sys_setresgid(Context& ctx, u32 rgid, u32 egid, u32 sgid) { return set_ids(ctx, IdFamily::group, rgid, egid, sgid); }
Result<long> sys_setreuid(Context& ctx, u32 ruid, u32 euid) { return set_real_effective(ctx, IdFamily::user, ruid, euid); }
Result<long> sys_setregid(Context& ctx, u32 rgid, u32 egid) { return set_real_effective(ctx, IdFamily::group, rgid, egid); }
Result<long> sys_setuid(Context& ctx, u32 uid) { return set_one_id(ctx, IdFamily::user, uid); }
Result<long> sys_setgid(Context& ctx, u32 gid) { return set_one_id(ctx, IdFamily::group, gid); }
Result<long> sys_setfsuid(Context& ctx, u32 fsuid) { return set_fs_id(ctx, IdFamily::user, fsuid); }
Result<long> sys_setfsgid(Context& ctx, u32 fsgid) { return set_fs_id(ctx, IdFamily::group, fsgid); }

Result<long> sys_getresuid(Context& ctx, UserPtr<u32> ruid, UserPtr<u32> euid, UserPtr<u32> suid)
{
    const Credentials& creds = ctx.thread().credentials();
    TRY(ctx.user().write(ruid, creds.uid));
    TRY(ctx.user().write(euid, creds.euid));
    TRY(ctx.user().write(suid, creds.suid));
    return 0;
}

Result<long> sys_getresgid(Context& ctx, UserPtr<u32> rgid, UserPtr<u32> egid, UserPtr<u32> sgid)
{
    const Credentials& creds = ctx.thread().credentials();
    TRY(ctx.user().write(rgid, creds.gid));
    TRY(ctx.user().write(egid, creds.egid));
    TRY(ctx.user().write(sgid, creds.sgid));
    return 0;
}

} // namespace asterix::services
