// The frame's clock. Where the backend allows the TSC as the clock (the host's clocksource is
// the TSC, or bare metal with an invariant TSC), CLOCK_MONOTONIC is
//     mono_base_ns + (((TSC - tsc_base) * mult) >> shift),
// with parameters that the timer tick keeps in step with the backend's reference clock, and the
// same parameters go to the vDSO's data page, so the kernel and the guest's vDSO compute the
// same time from the same TSC. Elsewhere the clock is the reference clock and the vDSO makes
// syscalls.
//
// Every update starts the new parameters where the old ones are at that moment (the clock is
// continuous) and corrects a drift from the reference by running slightly faster or slower
// (at most 500 ppm), never by stepping back. Only a clock behind the reference by more than a
// step threshold jumps forward.

#include <algorithm>
#include <atomic>

#include "frame/arch.h"
#include "frame/clock.h"
#include "frame/internal.h"
#include "frame/vdso_data.h"

namespace asterix::frame {

namespace {

constexpr u32 mult_shift = 32;
constexpr i64 ns_per_s = 1'000'000'000;
/// How long init_clock watches the TSC against the reference to estimate its rate.
constexpr u64 calibration_ns = 2'000'000;
/// A drift is removed over about this long, at most at max_slew_ppm.
constexpr i64 slew_horizon_ns = ns_per_s;
constexpr i64 max_slew_ns = 500'000; // 500 ppm of the horizon
/// Behind the reference by more than this, the clock jumps forward instead (a host suspend).
constexpr i64 step_threshold_ns = 50'000'000;
/// The real-time offset follows the host's only when it moved this much (someone set the
/// host's clock): smaller differences are read jitter, and following them would move the
/// guest's CLOCK_REALTIME back by a few nanoseconds now and then.
constexpr i64 realtime_step_ns = 1'000'000;
/// The rate estimate starts over after this long, to follow a host clock whose rate changed.
constexpr u64 rate_window_ns = 600ull * ns_per_s;
/// The timer period (frame/boot.cpp): how coarse the coarse clocks are.
constexpr u64 tick_ns = 10'000'000;

/// The kernel's own copy of the parameters (the kernel is one thread: no lock needed here).
struct Params {
    bool uses_tsc {false};
    u64 tsc_base {0};
    u64 mono_base_ns {0};
    u64 mult {0};
    i64 realtime_offset_ns {0};
    i64 tai_offset_ns {0};
};

struct Timekeeper {
    Params params;
    /// Where the rate estimate is measured from.
    u64 anchor_tsc {0};
    u64 anchor_ns {0};
    ax_vdso_data* published {nullptr};
};

Timekeeper g_clock;

u64 scaled(u64 delta, u64 mult)
{
    return static_cast<u64>((static_cast<unsigned __int128>(delta) * mult) >> mult_shift);
}

/// CLOCK_MONOTONIC at `tsc` from the current parameters.
u64 monotonic_at(const Params& p, u64 tsc)
{
    u64 delta = tsc > p.tsc_base ? tsc - p.tsc_base : 0;
    return p.mono_base_ns + scaled(delta, p.mult);
}

/// ns per TSC cycle, times 2^32, from `ns` elapsed over `cycles` (without 128-bit division,
/// which the freestanding kernel has no runtime for).
u64 rate_of(u64 ns, u64 cycles)
{
    while (ns >= (1ull << 31) && cycles > 1) {
        ns >>= 1;
        cycles >>= 1;
    }
    return cycles ? (ns << mult_shift) / cycles : 1ull << mult_shift;
}

/// Starts an update of the vDSO's data page: an odd sequence number, visible to every CPU
/// before anything after it (the TSC read for the new base included).
void begin_publish()
{
    if (!g_clock.published)
        return;
    // SAFETY: `published` points into the vDSO's data frame, which stays allocated for good
    // (vdso.cpp); guests map it read-only, so only this code writes it. The volatile accesses
    // and the fences order the writes as the vDSO's reader (src/vdso/vdso.c) expects.
    volatile ax_vdso_data& page = *g_clock.published;
    page.seq = page.seq + 1;
    std::atomic_thread_fence(std::memory_order_seq_cst);
}

/// Writes the parameters and ends the update begun by begin_publish().
void end_publish(const Params& p)
{
    if (!g_clock.published)
        return;
    // SAFETY: as in begin_publish().
    volatile ax_vdso_data& page = *g_clock.published;
    page.mode = p.uses_tsc ? AX_VDSO_MODE_TSC : AX_VDSO_MODE_SYSCALL;
    page.tsc_base = p.tsc_base;
    page.mono_base_ns = p.mono_base_ns;
    page.mult = p.mult;
    page.shift = mult_shift;
    page.tsc_read = arch::has_rdtscp() ? AX_VDSO_TSC_RDTSCP : AX_VDSO_TSC_LFENCE_RDTSC;
    page.realtime_offset_ns = p.realtime_offset_ns;
    page.tai_offset_ns = p.tai_offset_ns;
    page.boottime_offset_ns = 0;
    page.coarse_resolution_ns = tick_ns;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    page.seq = page.seq + 1;
}

} // namespace

void init_clock()
{
    if (!arch::is_tsc_clock())
        return;
    auto start = arch::read_reference_time();
    u64 start_tsc = arch::read_tsc_ordered();
    arch::ReferenceTime now;
    u64 now_tsc;
    do {
        now = arch::read_reference_time();
        now_tsc = arch::read_tsc_ordered();
    } while (now.monotonic_ns - start.monotonic_ns < calibration_ns);
    Params& p = g_clock.params;
    p.mult = rate_of(now.monotonic_ns - start.monotonic_ns, now_tsc - start_tsc);
    // The TSC was read after the reference: starting there, the clock is never behind a
    // reference time the kernel read before (before this, monotonic_ns() was the reference).
    p.tsc_base = now_tsc;
    p.mono_base_ns = now.monotonic_ns;
    p.realtime_offset_ns = static_cast<i64>(now.realtime_ns - now.monotonic_ns);
    p.tai_offset_ns = now.tai_offset_ns;
    p.uses_tsc = true;
    g_clock.anchor_tsc = start_tsc;
    g_clock.anchor_ns = start.monotonic_ns;
    begin_publish();
    end_publish(p);
}

void clock_tick()
{
    Params& p = g_clock.params;
    if (!p.uses_tsc)
        return;
    auto reference = arch::read_reference_time();
    // The new base comes from a TSC read after readers can see that an update is under way.
    begin_publish();
    u64 tsc = arch::read_tsc_ordered();
    u64 now = monotonic_at(p, tsc);

    if (reference.monotonic_ns - g_clock.anchor_ns > rate_window_ns) {
        g_clock.anchor_ns = reference.monotonic_ns;
        g_clock.anchor_tsc = tsc;
    }
    u64 rate = reference.monotonic_ns - g_clock.anchor_ns >= calibration_ns
        ? rate_of(reference.monotonic_ns - g_clock.anchor_ns, tsc - g_clock.anchor_tsc)
        : p.mult;
    i64 error = static_cast<i64>(now - reference.monotonic_ns);
    if (error < -step_threshold_ns) {
        now = reference.monotonic_ns;
        error = 0;
    }
    i64 slew = std::clamp<i64>(error, -max_slew_ns, max_slew_ns);
    i64 correction = static_cast<i64>(rate) / 1024 * slew / (slew_horizon_ns / 1024);
    p.mult = static_cast<u64>(std::max<i64>(static_cast<i64>(rate) - correction, 1));
    p.tsc_base = tsc;
    p.mono_base_ns = now;

    i64 realtime_offset = static_cast<i64>(reference.realtime_ns - reference.monotonic_ns);
    i64 offset_change = realtime_offset - p.realtime_offset_ns;
    if (offset_change > realtime_step_ns || offset_change < -realtime_step_ns)
        p.realtime_offset_ns = realtime_offset;
    p.tai_offset_ns = reference.tai_offset_ns;
    end_publish(p);
}

void publish_clock_in(std::span<u8> data_page)
{
    static_assert(sizeof(ax_vdso_data) <= page_size);
    // SAFETY: the page is a whole frame, page aligned, kept for good by its owner (vdso.cpp),
    // and ax_vdso_data is plain data of fixed-width integers that any bytes are valid for.
    g_clock.published = reinterpret_cast<ax_vdso_data*>(data_page.data());
    begin_publish();
    end_publish(g_clock.params);
}

u64 monotonic_ns()
{
    const Params& p = g_clock.params;
    if (!p.uses_tsc)
        return arch::read_reference_time().monotonic_ns;
    return monotonic_at(p, arch::read_tsc_ordered());
}

u64 realtime_ns()
{
    const Params& p = g_clock.params;
    if (!p.uses_tsc)
        return arch::read_reference_time().realtime_ns;
    return monotonic_ns() + static_cast<u64>(p.realtime_offset_ns);
}

u64 clock_ns(Clock clock)
{
    const Params& p = g_clock.params;
    switch (clock) {
    case Clock::realtime:
        return realtime_ns();
    case Clock::monotonic:
    case Clock::monotonic_raw:
    case Clock::boottime:
        return monotonic_ns();
    case Clock::realtime_coarse:
        return p.uses_tsc ? p.mono_base_ns + static_cast<u64>(p.realtime_offset_ns) : realtime_ns();
    case Clock::monotonic_coarse:
        return p.uses_tsc ? p.mono_base_ns : monotonic_ns();
    case Clock::tai:
        if (!p.uses_tsc) {
            auto reference = arch::read_reference_time();
            return reference.realtime_ns + static_cast<u64>(reference.tai_offset_ns);
        }
        return realtime_ns() + static_cast<u64>(p.tai_offset_ns);
    }
    return monotonic_ns();
}

u64 clock_resolution_ns(Clock clock)
{
    bool is_coarse = clock == Clock::realtime_coarse || clock == Clock::monotonic_coarse;
    return is_coarse ? tick_ns : 1;
}

} // namespace asterix::frame
