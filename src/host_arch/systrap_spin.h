#pragma once

// The adaptive spin of the systrap handoff (systrap.cpp has the kernel's side, stub.S the
// guest thread's). A handoff between the kernel and a guest thread on different CPUs costs a
// cache-line transfer when the waiting side spins on the state word, and a cross-CPU wake-up
// (tens of microseconds on a VM) when it sleeps on the futex; on one CPU spinning only keeps
// the peer off the CPU. So each side spins a few microseconds at most, only across CPUs, only
// while the peer is on a CPU, and only while the last few handoffs in its direction came back
// within that budget; else it sleeps at once and costs nothing while the guest is idle.

#include "frame/types.h"

namespace asterix::frame::arch {

/// How long either side may spin, in TSC ticks; 0 when spinning is off. The budget in
/// microseconds comes from ASTERIX_SYSTRAP_SPIN_US (0 turns spinning off); spinning is off
/// too where the TSC is not invariant, since both sides time their spin with it.
u32 systrap_spin_budget_ticks();

/// The TSC, unordered: a spin's clock, not a timestamp that must follow earlier loads.
u64 read_spin_tsc();

/// The last handoffs in one direction: whether each came back within the spin budget.
class HandoffHistory {
public:
    void record(bool is_quick) { m_bits = static_cast<u8>((m_bits << 1) | (is_quick ? 1u : 0u)); }
    /// Whether the last `window` handoffs were all quick (none recorded yet counts as slow, so
    /// that a new thread sleeps until it has shown it answers quickly).
    bool is_quick() const { return (m_bits & window_mask) == window_mask; }

private:
    static constexpr u8 window_mask = 0xf; // the last four handoffs
    u8 m_bits {0};
};

/// What the kernel keeps per guest thread to decide who spins: the TSC at its last resume and
/// at its last trap (as the stub read it), the history of the guest's runs (resume to next
/// trap, what the kernel waits for) and of the kernel's answers (trap to resume, what the stub
/// waits for).
struct HandoffTiming {
    u64 resumed_tsc {0};
    u64 trapped_tsc {0};
    bool is_trap_timed {false};
    HandoffHistory guest_runs;
    HandoffHistory kernel_answers;
};

} // namespace asterix::frame::arch
