// The scheduler's classes: real-time tasks run before fair ones, the highest priority first,
// a yield goes behind equals only, a woken higher priority preempts at the next preemption
// point, and a time slice makes equals take turns.

#include <doctest/doctest.h>

#include <vector>

#include "frame/arch.h"
#include "frame/clock.h"
#include "frame/internal.h"
#include "frame/task.h"

using namespace asterix;

namespace {

frame::Task& spawn(std::vector<int>& order, int id, frame::SchedulingClass scheduling_class, int yields)
{
    auto& task = frame::spawn_task("t", [&order, id, yields] {
        for (int i = 0; i <= yields; ++i) {
            order.push_back(id);
            if (i < yields)
                frame::yield();
        }
    });
    task.set_scheduling_class(scheduling_class);
    return task;
}

/// Spins for `ns` of the monotonic clock, or until `runs` has `turns` entries, passing
/// preemption points, and notes who ran.
void spin(u64 ns, int id, std::vector<int>& runs, usize turns = ~usize {0})
{
    u64 until = frame::monotonic_ns() + ns;
    while (frame::monotonic_ns() < until && runs.size() < turns) {
        if (runs.empty() || runs.back() != id)
            runs.push_back(id);
        frame::preempt_point();
    }
}

} // namespace

TEST_CASE("real-time tasks run before fair ones, the highest priority first, and yield only to equals")
{
    std::vector<int> order;
    spawn(order, 1, frame::SchedulingClass::fair(), 1);
    spawn(order, 2, frame::SchedulingClass::realtime(5, 0), 1);
    spawn(order, 3, frame::SchedulingClass::realtime(9, 0), 1);
    spawn(order, 4, frame::SchedulingClass::realtime(5, 0), 1);
    frame::run_scheduler();
    CHECK(order == std::vector<int> {3, 3, 2, 4, 2, 4, 1, 1});
}

TEST_CASE("a task that becomes runnable with a higher priority preempts at the next preemption point")
{
    std::vector<int> order;
    frame::WaitQueue queue;
    frame::spawn_task("high", [&] {
        queue.wait();
        order.push_back(2);
    }).set_scheduling_class(frame::SchedulingClass::realtime(20, 0));
    frame::spawn_task("low", [&] {
        queue.wake_one();
        order.push_back(1);
        frame::preempt_point();
        order.push_back(3);
    }).set_scheduling_class(frame::SchedulingClass::realtime(10, 0));
    frame::run_scheduler();
    CHECK(order == std::vector<int> {1, 2, 3});
}

TEST_CASE("a time slice makes real-time equals take turns; without one the first runs to its end")
{
    frame::arch::start_timer(2'000'000);
    constexpr u64 slice_ns = 10'000'000;
    // Each spins until they have taken four turns between them, with a bound far above what
    // four slices take even on a loaded host: a stall of the host only makes a turn late.
    constexpr u64 bound_ns = 10'000'000'000;
    constexpr usize turns = 4;
    std::vector<int> runs;
    for (int id : {1, 2})
        frame::spawn_task("rr", [&runs, id] { spin(bound_ns, id, runs, turns); }).set_scheduling_class(frame::SchedulingClass::realtime(10, slice_ns));
    // A fair task that wants the CPU all along never gets it while they run.
    frame::spawn_task("fair", [&runs] { runs.push_back(0); });
    frame::run_scheduler();
    REQUIRE(runs.size() == turns + 1);
    CHECK(runs == std::vector<int> {1, 2, 1, 2, 0});

    runs.clear();
    for (int id : {1, 2})
        frame::spawn_task("fifo", [&runs, id] { spin(3 * slice_ns, id, runs); }).set_scheduling_class(frame::SchedulingClass::realtime(10, 0));
    frame::run_scheduler();
    CHECK(runs == std::vector<int> {1, 2});
    frame::arch::start_timer(10'000'000);
}

TEST_CASE("a fair task that became real-time and back shares the CPU again")
{
    std::vector<int> order;
    auto& task = spawn(order, 1, frame::SchedulingClass::realtime(1, 0), 0);
    task.set_scheduling_class(frame::SchedulingClass::fair());
    spawn(order, 2, frame::SchedulingClass::fair(), 0);
    frame::run_scheduler();
    CHECK(order == std::vector<int> {1, 2});
}
