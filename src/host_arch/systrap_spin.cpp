// The spin budget of the systrap handoff (systrap_spin.h): read from the environment once and
// converted to TSC ticks by timing the TSC against the host's monotonic clock.

#include "host_arch/systrap_spin.h"

#include <cpuid.h>
#include <x86intrin.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

namespace asterix::frame::arch {

namespace {

/// A few microseconds: a patched site's getpid is answered in about one across CPUs, while a
/// wake-up of a sleeping peer on another CPU costs tens of microseconds on the VMs measured.
constexpr u64 default_spin_us = 5;
/// Longer than this is no longer "briefly": the idle budget of an instance would suffer.
constexpr u64 max_spin_us = 50;
/// The stub's spin for an answer, in budgets (systrap_answer_budget_ticks).
constexpr u64 answer_budget_factor = 8;
constexpr u64 calibration_ns = 200'000;

u64 monotonic_raw_ns()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return static_cast<u64>(ts.tv_sec) * 1'000'000'000ull + static_cast<u64>(ts.tv_nsec);
}

bool has_invariant_tsc()
{
    unsigned eax, ebx, ecx, edx;
    constexpr unsigned invariant_tsc_bit = 1u << 8;
    return __get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx) && (edx & invariant_tsc_bit);
}

/// TSC ticks per microsecond, timed over calibration_ns (once, at the first handoff).
u64 tsc_ticks_per_us()
{
    u64 start_ns = monotonic_raw_ns();
    u64 start_tsc = read_spin_tsc();
    u64 now_ns = start_ns;
    while (now_ns - start_ns < calibration_ns)
        now_ns = monotonic_raw_ns();
    u64 ticks = read_spin_tsc() - start_tsc;
    return ticks * 1000 / (now_ns - start_ns);
}

u64 budget_us_from_environment()
{
    const char* text = std::getenv("ASTERIX_SYSTRAP_SPIN_US");
    if (!text || !*text)
        return default_spin_us;
    char* end = nullptr;
    unsigned long long value = std::strtoull(text, &end, 10);
    if (*end != '\0')
        return default_spin_us;
    return value < max_spin_us ? value : max_spin_us;
}

/// Both budgets in TSC ticks, from one calibration.
struct SpinBudgets {
    u32 spin;
    u32 answer;
};

const SpinBudgets& spin_budgets()
{
    static const SpinBudgets budgets = [] {
        u64 us = budget_us_from_environment();
        if (us == 0 || !has_invariant_tsc())
            return SpinBudgets {0, 0};
        u64 ticks_per_us = tsc_ticks_per_us();
        u64 answer_us = std::min(us * answer_budget_factor, max_spin_us);
        return SpinBudgets {static_cast<u32>(us * ticks_per_us), static_cast<u32>(answer_us * ticks_per_us)};
    }();
    return budgets;
}

} // namespace

u64 read_spin_tsc()
{
    // SAFETY: rdtsc reads a counter and touches no memory.
    return __rdtsc();
}

u32 systrap_spin_budget_ticks() { return spin_budgets().spin; }

u32 systrap_answer_budget_ticks() { return spin_budgets().answer; }

} // namespace asterix::frame::arch
