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

/// A thread blocked in FUTEX_WAIT: woken through its queue, with the bitset it waits for.
struct FutexWaiter {
    frame::WaitQueue queue;
    u32 bitset {abi::futex_bitset_match_any};
    bool is_woken {false};
    /// The futex it waits on now: FUTEX_REQUEUE moves it.
    FutexKey key {nullptr, 0};
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

private:
    // A multimap keeps equal keys in insertion order, which is the wake order.
    std::multimap<FutexKey, FutexWaiter*> m_waiters;
};

} // namespace asterix::services
