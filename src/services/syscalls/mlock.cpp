// mlock, munlock, mlockall, munlockall, mlock2 (mm/mlock.c). Guest memory is never paged out,
// so locking only marks areas: what matters is Linux's accounting against RLIMIT_MEMLOCK and
// its errors.

#include "services/abi/mman.h"
#include "services/mm/memory_map.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

/// Linux's can_do_mlock: a nonzero RLIMIT_MEMLOCK, or CAP_IPC_LOCK.
bool can_lock(Context& ctx)
{
    return ctx.process().rlimit(abi::rlimit_memlock).cur != 0
        || ctx.thread().credentials().has_capability(abi::Capability::ipc_lock);
}

/// The page range [start, end) of (addr, len) as Linux rounds it; EINVAL when it wraps.
Result<std::pair<u64, u64>> page_range(u64 addr, u64 len)
{
    u64 start = page_round_down(addr);
    u64 span = len + (addr - start);
    if (span < len || page_round_up(span) < span)
        return Errno::einval;
    u64 end = start + page_round_up(span);
    if (end < start)
        return Errno::einval;
    return std::pair {start, end};
}

Result<long> lock_range(Context& ctx, u64 addr, u64 len)
{
    if (!can_lock(ctx))
        return Errno::eperm;
    auto [start, end] = TRY(page_range(addr, len));
    if (start == end)
        return 0;
    MemoryMap& memory = ctx.memory();
    // What is locked already inside the range is not counted twice.
    u64 would_lock = memory.locked_bytes() + (end - start) - memory.locked_bytes_in(start, end);
    if (would_lock > ctx.process().rlimit(abi::rlimit_memlock).cur
        && !ctx.thread().credentials().has_capability(abi::Capability::ipc_lock))
        return Errno::enomem;
    TRY(memory.set_locked(start, end, true));
    return 0;
}

} // namespace

Result<long> sys_mlock(Context& ctx, u64 addr, u64 len)
{
    return lock_range(ctx, addr, len);
}

Result<long> sys_mlock2(Context& ctx, u64 addr, u64 len, u32 flags)
{
    if (flags & ~abi::mlock_onfault)
        return Errno::einval;
    return lock_range(ctx, addr, len);
}

Result<long> sys_munlock(Context& ctx, u64 addr, u64 len)
{
    auto [start, end] = TRY(page_range(addr, len));
    if (start == end)
        return 0;
    TRY(ctx.memory().set_locked(start, end, false));
    return 0;
}

Result<long> sys_mlockall(Context& ctx, int flags)
{
    constexpr int known = abi::mcl_current | abi::mcl_future | abi::mcl_onfault;
    if (flags == 0 || (flags & ~known) || flags == abi::mcl_onfault)
        return Errno::einval;
    if (!can_lock(ctx))
        return Errno::eperm;
    MemoryMap& memory = ctx.memory();
    bool is_capable = ctx.thread().credentials().has_capability(abi::Capability::ipc_lock);
    if ((flags & abi::mcl_current) && memory.mapped_bytes() > ctx.process().rlimit(abi::rlimit_memlock).cur && !is_capable)
        return Errno::enomem;
    bool is_future = flags & abi::mcl_future;
    if (flags & abi::mcl_current)
        memory.set_all_locked(true, is_future);
    else
        memory.set_all_locked_future(is_future);
    return 0;
}

Result<long> sys_munlockall(Context& ctx)
{
    ctx.memory().set_all_locked(false, false);
    return 0;
}

} // namespace asterix::services
