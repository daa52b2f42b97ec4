#include "services/syscalls/futex_waiters.h"

#include <algorithm>
#include <vector>

namespace asterix::services {

void FutexWaiters::enqueue(const FutexKey& key, FutexWaiter& waiter)
{
    waiter.key = key;
    waiter.is_woken = false;
    m_waiters.emplace(key, &waiter);
}

void FutexWaiters::remove(FutexWaiter& waiter)
{
    if (waiter.is_woken)
        return;
    // Looked up by the waiter's current key, not a remembered position: a requeue may have
    // moved it since it began to wait.
    auto range = m_waiters.equal_range(waiter.key);
    for (auto it = range.first; it != range.second; ++it) {
        if (it->second == &waiter) {
            m_waiters.erase(it);
            return;
        }
    }
}

u32 FutexWaiters::wake(const FutexKey& key, u32 count, u32 bitset)
{
    auto range = m_waiters.equal_range(key);
    u32 woken = 0;
    for (auto it = range.first; it != range.second && woken < count;) {
        FutexWaiter& waiter = *it->second;
        if (!(waiter.bitset & bitset)) {
            ++it;
            continue;
        }
        it = m_waiters.erase(it);
        waiter.is_woken = true;
        waiter.wake_target->wake_all();
        ++woken;
    }
    return woken;
}

FutexWaiter* FutexWaiters::first(const FutexKey& key) const
{
    // lower_bound, not find: among equal keys it is the oldest.
    auto it = m_waiters.lower_bound(key);
    return it == m_waiters.end() || it->first != key ? nullptr : it->second;
}

void FutexWaiters::wake_waiter(FutexWaiter& waiter)
{
    remove(waiter);
    waiter.is_woken = true;
    waiter.wake_target->wake_all();
}

void FutexWaiters::move(FutexWaiter& waiter, const FutexKey& to)
{
    remove(waiter);
    waiter.key = to;
    m_waiters.emplace(to, &waiter);
}

u32 FutexWaiters::requeue(const FutexKey& from, const FutexKey& to, u32 wake_count, u32 requeue_count)
{
    u32 woken = wake(from, wake_count, abi::futex_bitset_match_any);
    // Taken off first and put back after, so that a requeue onto the same futex moves them
    // behind the others as Linux does, instead of meeting them again.
    std::vector<FutexWaiter*> moved;
    auto range = m_waiters.equal_range(from);
    for (auto it = range.first; it != range.second && moved.size() < requeue_count;) {
        moved.push_back(it->second);
        it = m_waiters.erase(it);
    }
    for (FutexWaiter* waiter : moved) {
        waiter->key = to;
        m_waiters.emplace(to, waiter);
    }
    return woken + static_cast<u32>(moved.size());
}

} // namespace asterix::services
