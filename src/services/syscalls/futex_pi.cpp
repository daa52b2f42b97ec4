// Priority-inheritance futexes (futex(2) "Priority-inheritance futexes"): the word holds the
// owner's tid, with FUTEX_WAITERS set while others wait, and the kernel hands the lock over to
// the oldest waiter on unlock. One CPU and no priorities here, so "inheritance" is the ownership
// protocol alone: who owns the lock, who gets it next, and the errors.

#include "services/abi/futex.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/futex.h"

namespace asterix::services {

namespace {

/// Takes the lock word at `uaddr` for `tid` when it is free (its owner field is 0: unlocked, or
/// its owner died), keeping FUTEX_OWNER_DIED and setting FUTEX_WAITERS when others still wait.
/// When it is held, marks it FUTEX_WAITERS so that its owner unlocks through the kernel, and
/// returns false. The kernel runs no guest code while it handles a syscall, so the read and
/// the write are one atomic step for guests.
Result<bool> take_or_mark(frame::VmSpace& vm, UserPtr<u32> uaddr, i32 tid, bool has_other_waiters)
{
    u32 word = TRY(vm.read(uaddr));
    u32 owner = word & abi::futex_tid_mask;
    if (owner == 0) {
        u32 next = static_cast<u32>(tid) | (word & abi::futex_owner_died) | (has_other_waiters ? abi::futex_waiters : 0);
        TRY(vm.write(uaddr, next));
        return true;
    }
    if (owner == static_cast<u32>(tid))
        return Errno::edeadlk;
    // An owner that does not exist (and did not die through the robust list) is ESRCH, as
    // Linux's attach_to_pi_owner finds.
    if (!ProcessTable::find_thread(static_cast<i32>(owner)))
        return Errno::esrch;
    if (!(word & abi::futex_waiters))
        TRY(vm.write(uaddr, word | abi::futex_waiters));
    return false;
}

void mark_waiters(frame::VmSpace& vm, UserPtr<u32> uaddr)
{
    auto word = vm.read(uaddr);
    if (!word.is_error() && !(word.value() & abi::futex_waiters))
        static_cast<void>(vm.write(uaddr, word.value() | abi::futex_waiters));
}

} // namespace

Result<long> futex_lock_pi(Process& process, Thread& thread, UserPtr<u32> uaddr, const FutexKey& key, u64 deadline_ns, bool is_trylock)
{
    auto& vm = process.vm();
    for (;;) {
        bool has_waiters = futex_waiters().count(key) > 0;
        if (TRY(take_or_mark(vm, uaddr, thread.tid(), has_waiters)))
            return 0;
        if (is_trylock)
            return Errno::eagain; // EWOULDBLOCK
        FutexWaiter waiter;
        waiter.kind = FutexWaiter::Kind::pi;
        waiter.tid = thread.tid();
        futex_waiters().enqueue(key, waiter);
        auto waited = wait_interruptible(waiter.queue, deadline_ns, "futex lock");
        if (waiter.is_woken && waiter.has_lock)
            return 0;
        if (!waiter.is_woken) {
            futex_waiters().remove(waiter);
            if (waited.is_error() && waited.error() == Errno::etimedout)
                return Errno::etimedout;
            // A signal: the handler runs, then the lock is tried again (Linux restarts it).
            return Errno::erestartnointr;
        }
        // Woken without the lock (its owner died with it, robust list): try again.
    }
}

Result<long> futex_unlock_pi(Process& process, Thread& thread, UserPtr<u32> uaddr, const FutexKey& key)
{
    auto& vm = process.vm();
    u32 word = TRY(vm.read(uaddr));
    if ((word & abi::futex_tid_mask) != static_cast<u32>(thread.tid()))
        return Errno::eperm;
    FutexWaiter* next = futex_waiters().first(key);
    if (!next || next->kind != FutexWaiter::Kind::pi) {
        TRY(vm.write(uaddr, u32 {0}));
        return 0;
    }
    // The oldest waiter owns the lock now; FUTEX_WAITERS stays set so that its unlock comes
    // through here too, as Linux's wake_futex_pi writes it.
    TRY(vm.write(uaddr, static_cast<u32>(next->tid) | abi::futex_waiters));
    next->has_lock = true;
    futex_waiters().wake_waiter(*next);
    return 0;
}

Result<long> futex_wait_requeue_pi(Process& process, Thread& thread, UserPtr<u32> uaddr, const FutexKey& key, u32 val,
    u64 deadline_ns, UserPtr<u32> uaddr2, bool is_private)
{
    if (uaddr.addr() == uaddr2.addr())
        return Errno::einval;
    auto key2 = TRY(futex_key(process, uaddr2.addr(), is_private));
    auto& vm = process.vm();
    if (TRY(vm.read(uaddr)) != val)
        return Errno::eagain;
    FutexWaiter waiter;
    waiter.kind = FutexWaiter::Kind::requeue_pi;
    waiter.tid = thread.tid();
    waiter.pi_key = key2;
    futex_waiters().enqueue(key, waiter);
    // A requeue moves the waiter onto the PI lock without waking it: the same wait goes on
    // until the lock is handed over to it, the deadline, or a signal.
    auto waited = wait_interruptible(waiter.queue, deadline_ns, "futex requeue");
    if (waiter.is_woken && waiter.has_lock)
        return 0;
    bool was_requeued = waiter.kind == FutexWaiter::Kind::pi;
    if (!waiter.is_woken)
        futex_waiters().remove(waiter);
    if (waited.is_error() && waited.error() == Errno::etimedout)
        return Errno::etimedout;
    if (waiter.is_woken || was_requeued)
        return Errno::eagain; // a plain wake, or a signal while it waited for the lock (EWOULDBLOCK)
    return Errno::erestartnointr;
}

Result<long> futex_cmp_requeue_pi(Process& process, UserPtr<u32> uaddr, const FutexKey& key, u32 nr_wake, u32 nr_requeue,
    UserPtr<u32> uaddr2, u32 val3, bool is_private)
{
    // futex(2): the first waiter is the only one that may be woken (with the lock).
    if (nr_wake != 1 || static_cast<i32>(nr_requeue) < 0 || uaddr.addr() == uaddr2.addr())
        return Errno::einval;
    auto key2 = TRY(futex_key(process, uaddr2.addr(), is_private));
    auto& vm = process.vm();
    if (TRY(vm.read(uaddr)) != val3)
        return Errno::eagain;
    // Every waiter moved must have been waiting for this very lock.
    long count = 0;
    for (u64 moved = 0; moved <= nr_requeue; ++moved) {
        FutexWaiter* waiter = futex_waiters().first(key);
        if (!waiter)
            break;
        if (waiter->kind != FutexWaiter::Kind::requeue_pi || waiter->pi_key != key2) {
            if (count)
                return count;
            return Errno::einval;
        }
        if (count == 0) {
            // The first waiter takes the lock at once when it is free.
            bool has_others = futex_waiters().count(key) > 1 || futex_waiters().count(key2) > 0;
            if (TRY(take_or_mark(vm, uaddr2, waiter->tid, has_others))) {
                waiter->has_lock = true;
                futex_waiters().wake_waiter(*waiter);
                ++count;
                continue;
            }
        }
        waiter->kind = FutexWaiter::Kind::pi;
        futex_waiters().move(*waiter, key2);
        mark_waiters(vm, uaddr2);
        ++count;
    }
    return count;
}

} // namespace asterix::services
