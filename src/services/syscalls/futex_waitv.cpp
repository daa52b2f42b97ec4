// futex_waitv(2): one thread waits on up to 128 futexes at once and learns which one woke it.

#include <memory>

#include "services/abi/futex.h"
#include "services/abi/time.h"
#include "services/process/signals.h"
#include "services/syscalls/futex.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_futex_waitv(Context& ctx, UserPtr<abi::FutexWaitv> waiters, u32 nr_futexes, u32 flags, UserPtr<abi::Timespec> timeout, int clockid)
{
    // Linux's order: the flags and count, then the timeout and its clock, then each entry.
    if (flags != 0 || nr_futexes == 0 || nr_futexes > abi::futex_waitv_max)
        return Errno::einval;
    u64 deadline = ~0ull;
    if (!timeout.is_null()) {
        if (clockid != abi::clock_realtime && clockid != abi::clock_monotonic)
            return Errno::einval;
        auto kind = clockid == abi::clock_realtime ? FutexTimeout::absolute_realtime : FutexTimeout::absolute_monotonic;
        deadline = TRY(futex_deadline(ctx.user(), timeout.addr(), kind));
    }
    std::vector<abi::FutexWaitv> entries(nr_futexes);
    std::vector<FutexKey> keys(nr_futexes);
    for (u32 i = 0; i < nr_futexes; ++i) {
        entries[i] = TRY(ctx.user().read(UserPtr<abi::FutexWaitv>(waiters.addr() + i * sizeof(abi::FutexWaitv))));
        const auto& entry = entries[i];
        // Only 32-bit futexes exist so far; the value must fit in one.
        if ((entry.flags & ~(abi::futex2_size_mask | abi::futex2_private)) || (entry.flags & abi::futex2_size_mask) != abi::futex2_size_u32
            || entry.reserved || entry.val > 0xffffffffull)
            return Errno::einval;
        keys[i] = TRY(futex_key(ctx.process(), entry.uaddr, entry.flags & abi::futex2_private));
    }
    for (u32 i = 0; i < nr_futexes; ++i) {
        if (TRY(ctx.user().read(UserPtr<u32>(entries[i].uaddr))) != entries[i].val)
            return Errno::eagain;
    }
    // Every entry wakes the one shared queue; which entry was woken tells the result.
    frame::WaitQueue woken;
    auto queued = std::make_unique<FutexWaiter[]>(nr_futexes);
    for (u32 i = 0; i < nr_futexes; ++i) {
        queued[i].wake_target = &woken;
        futex_waiters().enqueue(keys[i], queued[i]);
    }
    auto waited = wait_interruptible(woken, deadline, "futex");
    long first_woken = -1;
    for (u32 i = 0; i < nr_futexes; ++i) {
        if (queued[i].is_woken) {
            if (first_woken < 0)
                first_woken = i;
        } else {
            futex_waiters().remove(queued[i]);
        }
    }
    if (first_woken >= 0)
        return first_woken;
    return waited.is_error() ? waited.error() : Errno::etimedout;
}

} // namespace asterix::services
