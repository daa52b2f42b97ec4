// futex: wait queues keyed by guest address.

#include <algorithm>

#include "frame/clock.h"
#include "frame/task.h"
#include "services/abi/futex.h"
#include "services/process/signals.h"
#include "services/syscalls/futex.h"
#include "services/syscalls/futex_waiters.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
FutexWaiters& futex_waiters()
{
    static FutexWaiters waiters;
    return waiters;
}

/// Linux's futex keys: a private futex, or a shared one in private memory, is keyed by address
/// space and address; one in a MAP_SHARED mapping by its physical page, so that processes
/// mapping the same memory meet on it.
Result<FutexKey> futex_key(Process& process, u64 addr, bool is_private)
{
    auto& vm = process.vm();
    if (is_private || !process.memory->is_shared_at(addr))
        return FutexKey {&vm, addr};
    TRY(vm.read(UserPtr<u32>(addr)));
    auto mapping = vm.query(page_round_down(addr));
    if (!mapping)
        return Errno::efault;
    return FutexKey {nullptr, mapping->frame.pfn() * page_size + addr % page_size};
}

} // namespace

u32 futex_wake(Process& process, u64 addr, u32 count)
{
    auto key = futex_key(process, addr, false);
    if (key.is_error())
        return 0;
    return futex_waiters().wake(key.value(), count, abi::futex_bitset_match_any);
}

Result<long> sys_futex(Context& ctx, UserPtr<u32> uaddr, int op, u32 val, u64 timeout_or_val2, UserPtr<u32> uaddr2, u32 val3)
{
    int cmd = op & ~(abi::futex_private_flag | abi::futex_clock_realtime);
    if (uaddr.addr() % 4)
        return Errno::einval;
    bool is_private = op & abi::futex_private_flag;
    auto key = TRY(futex_key(ctx.process(), uaddr.addr(), is_private));
    switch (cmd) {
    case abi::futex_wait:
    case abi::futex_wait_bitset: {
        u32 bitset = cmd == abi::futex_wait ? abi::futex_bitset_match_any : val3;
        if (bitset == 0)
            return Errno::einval;
        if ((op & abi::futex_clock_realtime) && cmd == abi::futex_wait)
            return Errno::enosys;
        u32 current = TRY(ctx.user().read(uaddr));
        if (current != val)
            return Errno::eagain;
        u64 deadline = ~0ull;
        if (timeout_or_val2) {
            auto ts = TRY(ctx.user().read(UserPtr<abi::Timespec>(timeout_or_val2)));
            if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1'000'000'000)
                return Errno::einval;
            u64 ns = static_cast<u64>(ts.sec) * 1'000'000'000 + static_cast<u64>(ts.nsec);
            if (cmd == abi::futex_wait) {
                deadline = frame::monotonic_ns() + ns; // relative
            } else {
                // Absolute, on CLOCK_MONOTONIC or (FUTEX_CLOCK_REALTIME) the real-time clock.
                u64 now = (op & abi::futex_clock_realtime) ? frame::realtime_ns() : frame::monotonic_ns();
                deadline = frame::monotonic_ns() + (ns > now ? ns - now : 0);
            }
        }
        FutexWaiter waiter;
        waiter.bitset = bitset;
        futex_waiters().enqueue(key, waiter);
        auto waited = wait_interruptible(waiter.queue, deadline, "futex");
        if (!waiter.is_woken) {
            futex_waiters().remove(waiter);
            return waited.is_error() ? waited.error() : Errno::etimedout;
        }
        return 0;
    }
    case abi::futex_wake:
    case abi::futex_wake_bitset: {
        u32 bitset = cmd == abi::futex_wake ? abi::futex_bitset_match_any : val3;
        if (bitset == 0)
            return Errno::einval;
        return futex_waiters().wake(key, val, bitset);
    }
    case abi::futex_requeue:
    case abi::futex_cmp_requeue: {
        if (cmd == abi::futex_cmp_requeue && TRY(ctx.user().read(uaddr)) != val3)
            return Errno::eagain;
        auto key2 = TRY(futex_key(ctx.process(), uaddr2.addr(), is_private));
        u32 requeue_count = static_cast<u32>(std::min<u64>(timeout_or_val2, 0xffffffff));
        return futex_waiters().requeue(key, key2, val, requeue_count);
    }
    default:
        return Errno::enosys;
    }
}

} // namespace asterix::services
