#include <doctest/doctest.h>

#include "services/syscalls/futex_waiters.h"

using namespace asterix;
using namespace asterix::services;

namespace {
int space_a;
int space_b;
const FutexKey key1 {&space_a, 0x1000};
const FutexKey key2 {&space_a, 0x1004};
const FutexKey other_space {&space_b, 0x1000};
const FutexKey shared {nullptr, 0x5000};
} // namespace

TEST_CASE("futex waiters: a wake takes at most `count`, oldest first, and only from its key")
{
    FutexWaiters waiters;
    FutexWaiter first, second, third, elsewhere;
    waiters.enqueue(key1, first);
    waiters.enqueue(key1, second);
    waiters.enqueue(key1, third);
    waiters.enqueue(other_space, elsewhere);
    CHECK(waiters.wake(key1, 2, abi::futex_bitset_match_any) == 2);
    CHECK(first.is_woken);
    CHECK(second.is_woken);
    CHECK(!third.is_woken);
    CHECK(!elsewhere.is_woken); // same address, another address space: another futex
    CHECK(waiters.count(key1) == 1);
    CHECK(waiters.wake(key1, 5, abi::futex_bitset_match_any) == 1);
    CHECK(waiters.wake(key1, 5, abi::futex_bitset_match_any) == 0); // nobody left: 0, not an error
    CHECK(waiters.wake(shared, 1, abi::futex_bitset_match_any) == 0);
    CHECK(waiters.wake(other_space, 0, abi::futex_bitset_match_any) == 0); // a count of 0 wakes none
    CHECK(!elsewhere.is_woken);
    waiters.remove(elsewhere);
}

TEST_CASE("futex waiters: FUTEX_WAKE_BITSET wakes only waiters whose bitset shares a bit")
{
    FutexWaiters waiters;
    FutexWaiter reader, writer, any;
    reader.bitset = 0b01;
    writer.bitset = 0b10;
    waiters.enqueue(key1, reader);
    waiters.enqueue(key1, writer);
    waiters.enqueue(key1, any);
    // The non-matching waiter in front neither blocks the wake nor counts against it.
    CHECK(waiters.wake(key1, 1, 0b10) == 1);
    CHECK(writer.is_woken);
    CHECK(!reader.is_woken);
    CHECK(!any.is_woken);
    CHECK(waiters.wake(key1, 10, 0b01) == 2); // reader, and `any` (FUTEX_BITSET_MATCH_ANY)
    CHECK(reader.is_woken);
    CHECK(any.is_woken);
    CHECK(waiters.count(key1) == 0);
}

TEST_CASE("futex waiters: requeue wakes some and moves up to the limit of the rest, in order")
{
    FutexWaiters waiters;
    FutexWaiter w[5];
    FutexWaiter already;
    waiters.enqueue(key2, already);
    for (auto& waiter : w)
        waiters.enqueue(key1, waiter);
    // FUTEX_CMP_REQUEUE(val = 1, val2 = 2): 1 woken + 2 moved.
    CHECK(waiters.requeue(key1, key2, 1, 2) == 3);
    CHECK(w[0].is_woken);
    CHECK(waiters.count(key1) == 2);
    CHECK(waiters.count(key2) == 3);
    // Moved waiters queue behind those already on the target, in their old order.
    CHECK(waiters.wake(key2, 1, abi::futex_bitset_match_any) == 1);
    CHECK(already.is_woken);
    CHECK(waiters.wake(key2, 1, abi::futex_bitset_match_any) == 1);
    CHECK(w[1].is_woken);
    CHECK(!w[2].is_woken);
    CHECK(waiters.wake(key1, 10, abi::futex_bitset_match_any) == 2); // w[3] and w[4] stayed
    CHECK(w[3].is_woken);
    CHECK(w[4].is_woken);
    CHECK(waiters.wake(key2, 10, abi::futex_bitset_match_any) == 1);
    CHECK(w[2].is_woken);
}

TEST_CASE("futex waiters: a requeued waiter that times out leaves its new futex cleanly")
{
    // The old code remembered where a waiter was queued and erased that position on timeout;
    // after a requeue that position was gone (use after free). Now it is found by its key.
    FutexWaiters waiters;
    FutexWaiter sleeper, other;
    waiters.enqueue(key1, sleeper);
    waiters.enqueue(key1, other);
    CHECK(waiters.requeue(key1, key2, 0, 10) == 2);
    CHECK(sleeper.key == key2);
    waiters.remove(sleeper); // its timeout
    CHECK(waiters.count(key1) == 0);
    CHECK(waiters.count(key2) == 1);
    CHECK(waiters.wake(key2, 10, abi::futex_bitset_match_any) == 1);
    CHECK(other.is_woken);
    CHECK(!sleeper.is_woken);
    // Removing a waiter that was woken (it raced with its timeout) changes nothing.
    waiters.enqueue(key1, sleeper);
    waiters.enqueue(key1, other);
    CHECK(waiters.wake(key1, 1, abi::futex_bitset_match_any) == 1);
    waiters.remove(sleeper);
    CHECK(waiters.count(key1) == 1);
    waiters.remove(other);
    CHECK(waiters.count(key1) == 0);
}

TEST_CASE("futex waiters: a requeue onto the same futex puts the moved ones at the back")
{
    FutexWaiters waiters;
    FutexWaiter a, b, c;
    waiters.enqueue(key1, a);
    waiters.enqueue(key1, b);
    waiters.enqueue(key1, c);
    CHECK(waiters.requeue(key1, key1, 0, 1) == 1);
    CHECK(waiters.count(key1) == 3);
    CHECK(waiters.wake(key1, 1, abi::futex_bitset_match_any) == 1);
    CHECK(b.is_woken);
    CHECK(!a.is_woken);
    CHECK(waiters.wake(key1, 10, abi::futex_bitset_match_any) == 2);
}

TEST_CASE("futex waiters: first is the oldest, move and wake_waiter take one waiter off its key")
{
    FutexWaiters waiters;
    FutexWaiter a, b, c;
    CHECK(waiters.first(key1) == nullptr);
    waiters.enqueue(key2, c); // a neighbouring key sorts after key1, not into it
    waiters.enqueue(key1, a);
    waiters.enqueue(key1, b);
    CHECK(waiters.first(key1) == &a);
    waiters.move(a, key2);
    CHECK(waiters.first(key1) == &b);
    CHECK(waiters.first(key2) == &c); // moved ones queue behind
    waiters.wake_waiter(c);
    CHECK(c.is_woken);
    CHECK(waiters.first(key2) == &a);
    waiters.remove(a);
    waiters.remove(b);
    CHECK(waiters.count(key1) == 0);
    CHECK(waiters.count(key2) == 0);
}

TEST_CASE("futex waiters: waiters sharing a wake target all wake it (futex_waitv)")
{
    FutexWaiters waiters;
    frame::WaitQueue shared_target;
    FutexWaiter first, second;
    first.wake_target = &shared_target;
    second.wake_target = &shared_target;
    waiters.enqueue(key1, first);
    waiters.enqueue(key2, second);
    CHECK(waiters.wake(key2, 1, abi::futex_bitset_match_any) == 1);
    CHECK(second.is_woken);
    CHECK(!first.is_woken);
    waiters.remove(first);
    CHECK(waiters.count(key1) == 0);
}
