#include "host_arch/systrap_spin.h"

#include <doctest/doctest.h>

using asterix::frame::arch::HandoffPolicy;
using asterix::frame::arch::SpinDecision;

namespace {

void record_quick_handoffs(HandoffPolicy& policy, int count, bool is_quick = true)
{
    for (int i = 0; i < count; ++i) {
        policy.record_guest_run(is_quick);
        policy.record_kernel_answer(is_quick);
    }
}

} // namespace

TEST_CASE("a new thread sleeps until four handoffs each way were quick")
{
    HandoffPolicy policy;
    SpinDecision d = policy.decide(true, true);
    CHECK_FALSE(d.is_kernel_spinning);
    CHECK_FALSE(d.is_stub_let_spin);
    record_quick_handoffs(policy, 3);
    CHECK_FALSE(policy.decide(true, true).is_kernel_spinning);
    record_quick_handoffs(policy, 1);
    d = policy.decide(true, true);
    CHECK(d.is_kernel_spinning);
    CHECK(d.is_stub_let_spin);
}

TEST_CASE("one slow answer among the last four stops both sides spinning")
{
    HandoffPolicy policy;
    record_quick_handoffs(policy, 4);
    policy.record_kernel_answer(false);
    policy.record_guest_run(true);
    SpinDecision d = policy.decide(true, true);
    CHECK_FALSE(d.is_kernel_spinning);
    CHECK_FALSE(d.is_stub_let_spin);
}

TEST_CASE("a quick thread on the kernel's CPU is moved apart, and back after a failed spin")
{
    HandoffPolicy policy;
    record_quick_handoffs(policy, 4);
    SpinDecision d = policy.decide(false, true);
    CHECK(d.should_move_apart);
    CHECK_FALSE(d.is_kernel_spinning);
    CHECK(policy.is_apart());
    d = policy.decide(true, true);
    CHECK(d.is_kernel_spinning);
    CHECK(d.is_warming_up);
    d = policy.decide(true, true);
    CHECK_FALSE(d.is_warming_up);
    policy.record_spin(false);
    d = policy.decide(true, true);
    CHECK(d.should_move_together);
    CHECK_FALSE(d.is_kernel_spinning);
    CHECK_FALSE(policy.is_apart());
}

TEST_CASE("failed spins back off for twice as many handoffs each time")
{
    HandoffPolicy policy;
    record_quick_handoffs(policy, 4);
    policy.record_spin(false);
    CHECK_FALSE(policy.decide(true, true).is_kernel_spinning); // the failure itself
    CHECK_FALSE(policy.decide(true, true).is_kernel_spinning); // skip 1 of 2
    CHECK_FALSE(policy.decide(true, true).is_kernel_spinning); // skip 2 of 2
    CHECK(policy.decide(true, true).is_kernel_spinning);
    policy.record_spin(false);
    int skipped = 0;
    while (!policy.decide(true, true).is_kernel_spinning && skipped < 100)
        ++skipped;
    CHECK(skipped == 5); // the failure, then 4
}

TEST_CASE("no other CPU, or none free: the thread stays, and tries again later")
{
    HandoffPolicy policy;
    record_quick_handoffs(policy, 4);
    CHECK_FALSE(policy.decide(false, false).should_move_apart);
    CHECK(policy.decide(false, true).should_move_apart);
    policy.cancel_move_apart();
    CHECK_FALSE(policy.is_apart());
    int skipped = 0;
    while (!policy.decide(false, true).should_move_apart && skipped < 1000)
        ++skipped;
    CHECK(skipped == 256);
}
