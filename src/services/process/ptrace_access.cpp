#include "services/process/ptrace_access.h"

#include "services/process/process.h"

namespace asterix::services {

Result<void> ptrace_may_access(const Credentials& caller, const Process* caller_process, const Process& target,
    PtraceCreds which)
{
    if (caller_process == &target)
        return {};
    u32 uid = which == PtraceCreds::fs ? caller.fsuid : caller.uid;
    u32 gid = which == PtraceCreds::fs ? caller.fsgid : caller.gid;
    const Credentials& theirs = target.credentials();
    bool is_same_user = uid == theirs.uid && uid == theirs.euid && uid == theirs.suid && gid == theirs.gid
        && gid == theirs.egid && gid == theirs.sgid;
    bool is_capable = caller.has_capability(abi::Capability::sys_ptrace);
    if (!is_same_user && !is_capable)
        return Errno::eperm;
    if (!target.is_dumpable() && !is_capable)
        return Errno::eperm;
    return {};
}

namespace {
int g_yama_ptrace_scope = 0;
} // namespace

int yama_ptrace_scope() { return g_yama_ptrace_scope; }

Result<void> set_yama_ptrace_scope(int scope)
{
    if (scope < 0 || scope > 3 || g_yama_ptrace_scope == 3)
        return Errno::einval;
    g_yama_ptrace_scope = scope;
    return {};
}

DumpOwner dump_owner(const Process& target)
{
    if (!target.is_dumpable())
        return {0, 0};
    const Credentials& creds = target.credentials();
    return {creds.euid, creds.egid};
}

} // namespace asterix::services
