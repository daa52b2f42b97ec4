// prlimit64, getrlimit, setrlimit

#include "services/abi/limits.h"
#include "services/abi/resource.h"
#include "services/mm/memory_map.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_prlimit64(Context& ctx, i32 pid, u32 resource, UserPtr<abi::Rlimit> new_limit, UserPtr<abi::Rlimit> old_limit)
{
    if (resource >= rlimit_count)
        return Errno::einval;
    if (pid != 0 && pid != ctx.process().pid())
        return Errno::esrch;
    abi::Rlimit previous = ctx.process().rlimit(static_cast<int>(resource));
    if (!new_limit.is_null()) {
        abi::Rlimit limit = TRY(ctx.user().read(new_limit));
        if (limit.cur > limit.max)
            return Errno::einval;
        if (resource == rlimit_nofile && limit.max > abi::sysctl_nr_open)
            return Errno::eperm;
        if (limit.max > previous.max && !ctx.thread().credentials().has_capability(abi::Capability::sys_resource))
            return Errno::eperm;
        ctx.process().set_rlimit(static_cast<int>(resource), limit);
        // A grows-down area's next fault must see the new RLIMIT_STACK.
        if (resource == static_cast<u32>(abi::rlimit_stack) && ctx.process().memory())
            ctx.memory().set_stack_limit(limit.cur);
    }
    if (!old_limit.is_null())
        TRY(ctx.user().write(old_limit, previous));
    return 0;
}

Result<long> sys_getrlimit(Context& ctx, u32 resource, UserPtr<abi::Rlimit> limit)
{
    return sys_prlimit64(ctx, 0, resource, UserPtr<abi::Rlimit>(), limit);
}

Result<long> sys_setrlimit(Context& ctx, u32 resource, UserPtr<abi::Rlimit> limit)
{
    return sys_prlimit64(ctx, 0, resource, limit, UserPtr<abi::Rlimit>());
}

} // namespace asterix::services
