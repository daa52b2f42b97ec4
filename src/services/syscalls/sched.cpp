// sched_yield, sched_getaffinity

#include "frame/task.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

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

} // namespace asterix::services
