// Timer preemption: a guest spinning in a loop, with no syscalls, must not keep another kernel
// task from running.

#include <doctest/doctest.h>

#include "frame/arch.h"
#include "frame/clock.h"
#include "frame/internal.h"
#include "frame/task.h"
#include "frame/user_mode.h"
#include "frame/vm_space.h"

using namespace asterix;

TEST_CASE("a spinning guest is preempted so that another kernel task runs")
{
    auto vm = MUST(frame::VmSpace::create());
    // The guest: "jmp ." at a code page.
    constexpr u64 code = 0x400000;
    auto page = MUST(frame::Frame::alloc_zeroed());
    frame::frame_direct_bytes(page)[0] = 0xeb;
    frame::frame_direct_bytes(page)[1] = 0xfe;
    vm->map(code, page, frame::perm_read | frame::perm_exec);

    frame::arch::start_timer(10'000'000);
    bool has_sleeper_run = false;
    int interrupts = 0;
    u64 started = frame::monotonic_ns();
    u64 sleeper_woke_at = 0;

    frame::spawn_task("spinner", [&] {
        frame::UserContext ctx;
        ctx.reset_for_exec(code, 0);
        while (!has_sleeper_run) {
            auto reason = frame::execute_user(*vm, ctx);
            REQUIRE(reason.kind == frame::ReturnReason::Kind::interrupted);
            CHECK(ctx.regs.rip == code);
            ++interrupts;
            frame::preempt_point();
        }
    });
    frame::spawn_task("sleeper", [&] {
        frame::sleep_until(frame::monotonic_ns() + 50'000'000);
        sleeper_woke_at = frame::monotonic_ns();
        has_sleeper_run = true;
    });
    frame::run_scheduler();

    CHECK(has_sleeper_run);
    CHECK(interrupts >= 1);
    CHECK(sleeper_woke_at - started >= 50'000'000);
    CHECK(frame::live_task_count() == 0);
}

TEST_CASE("wait queues wake blocked tasks, and timed waits time out")
{
    frame::WaitQueue queue;
    std::vector<int> order;
    bool timed_out_result = true;
    frame::spawn_task("waiter", [&] {
        queue.wait();
        order.push_back(2);
    });
    frame::spawn_task("timed", [&] {
        frame::WaitQueue lonely;
        timed_out_result = lonely.wait_until(frame::monotonic_ns() + 5'000'000);
        order.push_back(3);
    });
    frame::spawn_task("waker", [&] {
        order.push_back(1);
        queue.wake_all();
    });
    frame::run_scheduler();
    CHECK(order == std::vector<int> {1, 2, 3});
    CHECK(!timed_out_result);
}
