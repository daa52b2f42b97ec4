#pragma once

// The adaptive spin of the systrap handoff (systrap.cpp has the kernel's side, stub.S the
// guest thread's). A handoff between the kernel and a guest thread on different CPUs costs a
// cache-line transfer when the waiting side spins on the state word, and a cross-CPU wake-up
// (tens of microseconds on a VM) when it sleeps on the futex; on one CPU spinning only keeps
// the peer off the CPU. So each side spins briefly, only across CPUs, only while the peer is
// on a CPU, and only while the last few handoffs in its direction came back within its budget;
// else it sleeps at once and costs nothing while the guest is idle. The kernel spins a few
// microseconds for the guest's next trap (while it spins, no other thread is served); the stub
// may spin longer for the kernel's answer, which the kernel takes back as soon as it turns to
// another thread or sleeps, so the stub spins only while the kernel works on its trap.

#include "frame/types.h"

namespace asterix::frame::arch {

/// How long either side may spin, in TSC ticks; 0 when spinning is off. The budget in
/// microseconds comes from ASTERIX_SYSTRAP_SPIN_US (0 turns spinning off); spinning is off
/// too where the TSC is not invariant, since both sides time their spin with it.
u32 systrap_spin_budget_ticks();
/// How long the stub may spin for the kernel's answer to its trap: longer than the budget
/// (a stat or an open keeps the kernel busy with host calls for several microseconds), since
/// the kernel takes the spin back as soon as it turns to another thread or goes idle, so the
/// stub spins only while the kernel works on its trap; 0 when spinning is off.
u32 systrap_answer_budget_ticks();
/// The kernel is about to sleep (no task to run): a stub still spinning for an answer stops.
void systrap_kernel_idles();

/// The TSC, unordered: a spin's clock, not a timestamp that must follow earlier loads.
u64 read_spin_tsc();

/// What a resume does about spinning and placement (HandoffPolicy::decide).
struct SpinDecision {
    bool is_kernel_spinning {false};
    bool is_stub_let_spin {false};
    /// Move the guest thread off the kernel's CPU (the host scheduler keeps a thread and the
    /// one that wakes it on one CPU, where neither can spin), or let it go back.
    bool should_move_apart {false};
    bool should_move_together {false};
    /// Just moved apart: the stub sleeps and takes a cross-CPU wake-up to come back, so the
    /// kernel spins for it a while longer, once, to start both spinning in step.
    bool is_warming_up {false};
};

/// Who spins at a guest thread's handoffs, and whether it runs apart from the kernel. Both
/// sides spin only while the last few waits in both directions would have ended within the
/// budget (the peer's work alone, measured whether the side spun or slept, so that a sleeping
/// peer's wake-up latency cannot keep both sleeping for good), and only across CPUs. A thread
/// that has shown that is moved apart from the kernel's CPU, if the host has a CPU free; a spin
/// that fails (the peer was descheduled: a loaded host; or the answer took longer) moves it
/// back and stops spinning for 2, 4, ... up to 4096 handoffs, fewer again after a long run of
/// spins that succeeded.
class HandoffPolicy {
public:
    /// The guest's last run (resume to trap) and the kernel's last answer (trap to resume).
    void record_guest_run(bool is_quick) { m_guest_runs = push(m_guest_runs, is_quick); }
    void record_kernel_answer(bool is_quick) { m_kernel_answers = push(m_kernel_answers, is_quick); }
    /// How a spin that was let happen went.
    void record_spin(bool is_answered)
    {
        if (is_answered) {
            if (++m_successes >= successes_to_forgive) {
                m_successes = 0;
                m_failures = m_failures > 0 ? m_failures - 1 : 0;
            }
            return;
        }
        m_successes = 0;
        m_failures = m_failures < max_failures ? m_failures + 1 : max_failures;
        m_skip = static_cast<u16>(1u << m_failures);
        m_is_failed = true;
    }
    /// At a resume: `is_across` when the thread last trapped on another CPU than the kernel's,
    /// `can_move_apart` when there is another CPU to move it to.
    SpinDecision decide(bool is_across, bool can_move_apart)
    {
        SpinDecision d;
        bool is_failed = m_is_failed;
        m_is_failed = false;
        bool is_quick = (m_guest_runs & window_mask) == window_mask && (m_kernel_answers & window_mask) == window_mask;
        bool is_skipped = !is_failed && m_skip > 0;
        if (is_skipped)
            --m_skip;
        if (is_failed || is_skipped || !is_quick) {
            d.should_move_together = m_is_apart;
            m_is_apart = false;
            return d;
        }
        if (is_across) {
            d.is_kernel_spinning = true;
            d.is_stub_let_spin = true;
            d.is_warming_up = m_warm_up > 0;
            m_warm_up = m_warm_up > 0 ? m_warm_up - 1 : 0;
        } else if (can_move_apart) {
            // Also when it is apart already but the kernel has moved to its CPU since.
            d.should_move_apart = true;
            m_is_apart = true;
            m_warm_up = 1;
        }
        return d;
    }
    /// The move apart just decided cannot be made (no CPU is free): try again later.
    void cancel_move_apart()
    {
        m_is_apart = false;
        m_skip = busy_host_skip;
    }
    bool is_apart() const { return m_is_apart; }

private:
    static u8 push(u8 bits, bool is_quick) { return static_cast<u8>((bits << 1) | (is_quick ? 1u : 0u)); }
    static constexpr u8 window_mask = 0xf; // the last four waits
    static constexpr u8 max_failures = 12;
    // Under load a failed spin costs milliseconds (both threads wait for their CPUs' other
    // tasks), a successful one saves microseconds: failures are forgiven slowly.
    static constexpr u16 successes_to_forgive = 1024;
    static constexpr u16 busy_host_skip = 256;
    u8 m_guest_runs {0};
    u8 m_kernel_answers {0};
    u8 m_failures {0};
    bool m_is_failed {false};
    bool m_is_apart {false};
    u8 m_warm_up {0};
    u16 m_skip {0};
    u16 m_successes {0};
};

/// What the kernel keeps per guest thread for the spin: when it saw the last trap, and whether
/// either side was let spin at the last resume.
struct HandoffTiming {
    u64 trap_seen_tsc {0};
    bool is_trap_timed {false};
    bool is_stub_let_spin {false};
    HandoffPolicy policy;
};

} // namespace asterix::frame::arch
