#pragma once

#include <map>
#include <utility>

#include "frame/task.h"
#include "frame/types.h"
#include "services/abi/futex.h"

namespace asterix::services {

/// Linux's futex key: (address space, address) for a private futex, or (null, physical
/// address) for one in MAP_SHARED memory, so that processes sharing the page meet on it.
using FutexKey = std::pair<const void*, u64>;

/// A thread blocked on a futex: woken through its queue, with the bitset it waits for.
struct FutexWaiter {
    /// What the waiter waits for: a plain futex (FUTEX_WAIT), a PI lock it is to own
    /// (FUTEX_LOCK_PI), or a condition it waits on before it is moved onto a PI lock
    /// (FUTEX_WAIT_REQUEUE_PI).
    enum class Kind : u8 { plain, pi, requeue_pi };

    frame::WaitQueue queue;
    /// Where a wake goes: its own queue, or one shared by several waiters of one thread
    /// (futex_waitv waits on many futexes at once).
    frame::WaitQueue* wake_target {&queue};
    u32 bitset {abi::futex_bitset_match_any};
    bool is_woken {false};
    /// The futex it waits on now: FUTEX_REQUEUE moves it.
    FutexKey key {nullptr, 0};
    Kind kind {Kind::plain};
    /// PI waiters: the waiting thread's id, which becomes the lock word's owner.
    i32 tid {0};
    /// FUTEX_WAIT_REQUEUE_PI: the PI futex it may be moved to.
    FutexKey pi_key {nullptr, 0};
    /// Woken as the owner of a PI lock (handed over by UNLOCK_PI or CMP_REQUEUE_PI).
    bool has_lock {false};
};

/// Every waiting futex waiter, in arrival order per key: wakes take the oldest first, as
/// Linux's queue of equal-priority waiters does. The waiters belong to the waiting threads.
class FutexWaiters {
public:
    /// Queues `waiter` on `key`, behind those already there.
    void enqueue(const FutexKey& key, FutexWaiter& waiter);
    /// Takes a waiter that gave up (timeout, signal) off whatever key it waits on now; nothing
    /// when it was woken already.
    void remove(FutexWaiter& waiter);
    /// FUTEX_WAKE(_BITSET): wakes up to `count` waiters of `key` whose bitset shares a bit with
    /// `bitset`, oldest first; returns how many.
    u32 wake(const FutexKey& key, u32 count, u32 bitset);
    /// FUTEX_(CMP_)REQUEUE: wakes up to `wake_count` waiters of `from`, then moves up to
    /// `requeue_count` of the rest, in order, behind the waiters of `to`; returns how many were
    /// woken plus how many moved.
    u32 requeue(const FutexKey& from, const FutexKey& to, u32 wake_count, u32 requeue_count);
    /// How many wait on `key`.
    usize count(const FutexKey& key) const { return m_waiters.count(key); }
    /// The oldest waiter of `key`, or null.
    FutexWaiter* first(const FutexKey& key) const;
    /// Takes `waiter` off its key and wakes it (a PI handover; `has_lock` set by the caller).
    void wake_waiter(FutexWaiter& waiter);
    /// Moves `waiter` behind the waiters of `to`.
    void move(FutexWaiter& waiter, const FutexKey& to);

private:
    // A multimap keeps equal keys in insertion order, which is the wake order.
    std::multimap<FutexKey, FutexWaiter*> m_waiters;
};

} // namespace asterix::services
