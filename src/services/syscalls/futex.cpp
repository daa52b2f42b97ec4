// futex: wait queues keyed by guest address. WAIT/WAKE (with bitsets), REQUEUE, CMP_REQUEUE and
// WAKE_OP live here; the priority-inheritance operations in futex_pi.cpp, futex_waitv in
// futex_waitv.cpp.

#include <algorithm>

#include "frame/clock.h"
#include "frame/task.h"
#include "services/abi/futex.h"
#include "services/abi/time.h"
#include "services/process/signals.h"
#include "services/syscalls/futex.h"
#include "services/syscalls/futex_waiters.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

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
    if (addr % 4)
        return Errno::einval;
    auto& vm = process.vm();
    if (is_private || !process.memory()->is_shared_at(addr))
        return FutexKey {&vm, addr};
    TRY(vm.read(UserPtr<u32>(addr)));
    auto mapping = vm.query(page_round_down(addr));
    if (!mapping)
        return Errno::efault;
    return FutexKey {nullptr, mapping->frame.pfn() * page_size + addr % page_size};
}

Result<u64> futex_deadline(frame::VmSpace& vm, u64 addr, FutexTimeout kind)
{
    if (!addr)
        return ~0ull;
    auto ts = TRY(vm.read(UserPtr<abi::Timespec>(addr)));
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1'000'000'000)
        return Errno::einval;
    u64 ns = static_cast<u64>(ts.sec) * 1'000'000'000 + static_cast<u64>(ts.nsec);
    u64 now_monotonic = frame::monotonic_ns();
    switch (kind) {
    case FutexTimeout::relative:
        return now_monotonic + ns;
    case FutexTimeout::absolute_monotonic:
        return ns;
    case FutexTimeout::absolute_realtime: {
        u64 now = frame::realtime_ns();
        return now_monotonic + (ns > now ? ns - now : 0);
    }
    }
    return ~0ull;
}

namespace {

/// FUTEX_WAKE_OP's operation on the word at uaddr2: applies it and says whether the old value
/// passes the comparison (futex(2), Linux's futex_atomic_op_inuser). The kernel runs no guest
/// code while it handles a syscall, so the read and the write are one atomic step for guests.
Result<bool> futex_atomic_op(frame::VmSpace& vm, UserPtr<u32> uaddr2, u32 encoded)
{
    int op = static_cast<int>(encoded >> 28) & 7;
    bool is_shift = (encoded >> 28) & abi::futex_op_oparg_shift;
    int cmp = static_cast<int>(encoded >> 24) & 15;
    // Both arguments are signed 12-bit fields.
    i32 oparg = static_cast<i32>(encoded << 8) >> 20;
    i32 cmparg = static_cast<i32>(encoded << 20) >> 20;
    if (is_shift) {
        // Linux masks an out-of-range shift (with a warning) rather than fail.
        oparg = static_cast<i32>(1u << (static_cast<u32>(oparg) & 31));
    }
    u32 arg = static_cast<u32>(oparg);
    u32 old = TRY(vm.read(uaddr2));
    u32 next = 0;
    switch (op) {
    case abi::futex_op_set:
        next = arg;
        break;
    case abi::futex_op_add:
        next = old + arg;
        break;
    case abi::futex_op_or:
        next = old | arg;
        break;
    case abi::futex_op_andn:
        next = old & ~arg;
        break;
    case abi::futex_op_xor:
        next = old ^ arg;
        break;
    default:
        return Errno::enosys;
    }
    TRY(vm.write(uaddr2, next));
    i32 old_signed = static_cast<i32>(old);
    switch (cmp) {
    case abi::futex_op_cmp_eq:
        return old_signed == cmparg;
    case abi::futex_op_cmp_ne:
        return old_signed != cmparg;
    case abi::futex_op_cmp_lt:
        return old_signed < cmparg;
    case abi::futex_op_cmp_le:
        return old_signed <= cmparg;
    case abi::futex_op_cmp_gt:
        return old_signed > cmparg;
    case abi::futex_op_cmp_ge:
        return old_signed >= cmparg;
    default:
        // Linux has already changed the word when it finds the comparison unknown.
        return Errno::enosys;
    }
}

Result<long> futex_wait(Context& ctx, UserPtr<u32> uaddr, const FutexKey& key, u32 val, u64 deadline, u32 bitset)
{
    if (bitset == 0)
        return Errno::einval;
    u32 current = TRY(ctx.user().read(uaddr));
    if (current != val)
        return Errno::eagain;
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

bool has_timeout(int cmd)
{
    return cmd == abi::futex_wait || cmd == abi::futex_wait_bitset || cmd == abi::futex_lock_pi || cmd == abi::futex_lock_pi2
        || cmd == abi::futex_wait_requeue_pi;
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
    // Unknown commands (and the long-gone FUTEX_FD, 2) fail before anything is looked at.
    if (cmd < abi::futex_wait || cmd > abi::futex_lock_pi2 || cmd == 2)
        return Errno::enosys;
    bool is_realtime = op & abi::futex_clock_realtime;
    // futex(2): FUTEX_CLOCK_REALTIME goes with the waits whose absolute timeout is on a chosen
    // clock; anything else, plain FUTEX_WAIT included, is ENOSYS.
    if (is_realtime && cmd != abi::futex_wait_bitset && cmd != abi::futex_wait_requeue_pi
        && cmd != abi::futex_lock_pi2)
        return Errno::enosys;
    bool is_private = op & abi::futex_private_flag;
    // The timeout is read before the operation runs, as Linux's sys_futex does.
    u64 deadline = ~0ull;
    if (has_timeout(cmd)) {
        FutexTimeout kind = FutexTimeout::absolute_monotonic;
        if (cmd == abi::futex_wait)
            kind = FutexTimeout::relative;
        else if (cmd == abi::futex_lock_pi || is_realtime)
            kind = FutexTimeout::absolute_realtime; // FUTEX_LOCK_PI's timeout is always CLOCK_REALTIME
        deadline = TRY(futex_deadline(ctx.user(), timeout_or_val2, kind));
    }
    u32 val2 = static_cast<u32>(timeout_or_val2);
    auto key = TRY(futex_key(ctx.process(), uaddr.addr(), is_private));
    switch (cmd) {
    case abi::futex_wait:
        return futex_wait(ctx, uaddr, key, val, deadline, abi::futex_bitset_match_any);
    case abi::futex_wait_bitset:
        return futex_wait(ctx, uaddr, key, val, deadline, val3);
    case abi::futex_wake:
    case abi::futex_wake_bitset: {
        u32 bitset = cmd == abi::futex_wake ? abi::futex_bitset_match_any : val3;
        if (bitset == 0)
            return Errno::einval;
        return futex_waiters().wake(key, val, bitset);
    }
    case abi::futex_requeue:
    case abi::futex_cmp_requeue: {
        // Linux takes both counts as signed ints.
        if (static_cast<i32>(val) < 0 || static_cast<i32>(val2) < 0)
            return Errno::einval;
        auto key2 = TRY(futex_key(ctx.process(), uaddr2.addr(), is_private));
        if (cmd == abi::futex_cmp_requeue && TRY(ctx.user().read(uaddr)) != val3)
            return Errno::eagain;
        return futex_waiters().requeue(key, key2, val, val2);
    }
    case abi::futex_wake_op: {
        auto key2 = TRY(futex_key(ctx.process(), uaddr2.addr(), is_private));
        bool is_match = TRY(futex_atomic_op(ctx.user(), uaddr2, val3));
        u32 woken = futex_waiters().wake(key, val, abi::futex_bitset_match_any);
        if (is_match)
            woken += futex_waiters().wake(key2, val2, abi::futex_bitset_match_any);
        return woken;
    }
    case abi::futex_lock_pi:
    case abi::futex_lock_pi2:
        return futex_lock_pi(ctx.process(), ctx.thread(), uaddr, key, deadline, false);
    case abi::futex_trylock_pi:
        return futex_lock_pi(ctx.process(), ctx.thread(), uaddr, key, ~0ull, true);
    case abi::futex_unlock_pi:
        return futex_unlock_pi(ctx.process(), ctx.thread(), uaddr, key);
    case abi::futex_wait_requeue_pi:
        return futex_wait_requeue_pi(ctx.process(), ctx.thread(), uaddr, key, val, deadline, uaddr2, is_private);
    case abi::futex_cmp_requeue_pi:
        return futex_cmp_requeue_pi(ctx.process(), uaddr, key, val, val2, uaddr2, val3, is_private);
    default:
        return Errno::enosys;
    }
}

} // namespace asterix::services
