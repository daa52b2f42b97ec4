// getpid, gettid, getppid, getuid, geteuid, getgid, getegid, getgroups, getpgrp, getpgid, getsid

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
    // FIXME: supplementary groups come with credentials; a process has none yet.
    if (size < 0)
        return Errno::einval;
    return 0;
}

// FIXME: process groups and sessions come with job control; until then the first process
// leads both.
Result<long> sys_getpgrp(Context& ctx) { return ctx.process().pid(); }

Result<long> sys_getpgid(Context& ctx, i32 pid)
{
    if (pid != 0 && pid != ctx.process().pid())
        return Errno::esrch;
    return ctx.process().pid();
}

Result<long> sys_getsid(Context& ctx, i32 pid)
{
    if (pid != 0 && pid != ctx.process().pid())
        return Errno::esrch;
    return ctx.process().pid();
}

} // namespace asterix::services
