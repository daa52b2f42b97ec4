#include <doctest/doctest.h>

#include <array>
#include <cstring>

#include "frame/arch.h"
#include "frame/clock.h"
#include "frame/internal.h"
#include "frame/vdso_data.h"

using namespace asterix;

namespace {
/// The time the vDSO would compute from the data page at `tsc`.
u64 vdso_monotonic_at(const ax_vdso_data& data, u64 tsc)
{
    u64 delta = tsc > data.tsc_base ? tsc - data.tsc_base : 0;
    return data.mono_base_ns + static_cast<u64>((static_cast<unsigned __int128>(delta) * data.mult) >> data.shift);
}
} // namespace

TEST_CASE("the TSC clock stays near the reference clock, agrees with its data page, and never goes back")
{
    frame::init_clock();
    if (!frame::arch::is_tsc_clock()) {
        MESSAGE("the host's clocksource is not the TSC: the clock is the host's own");
        return;
    }
    alignas(4096) static std::array<u8, page_size> page {};
    frame::publish_clock_in(page);
    ax_vdso_data data;
    u64 last = frame::monotonic_ns();
    for (int i = 0; i < 300; ++i) {
        frame::clock_tick();
        std::memcpy(&data, page.data(), sizeof(data));
        CHECK(data.seq % 2 == 0);
        CHECK(data.mode == AX_VDSO_MODE_TSC);
        u64 tsc = frame::arch::read_tsc_ordered();
        u64 now = frame::monotonic_ns();
        u64 from_page = vdso_monotonic_at(data, tsc);
        CHECK(now >= last);
        CHECK(from_page <= now); // read before, from the same parameters
        CHECK(frame::clock_ns(frame::Clock::monotonic_coarse) == data.mono_base_ns);
        CHECK(frame::clock_ns(frame::Clock::monotonic_coarse) <= now);
        i64 error = static_cast<i64>(now - frame::arch::read_reference_time().monotonic_ns);
        CHECK(error < 1'000'000);
        CHECK(error > -1'000'000);
        last = now;
    }
    u64 realtime = frame::realtime_ns();
    u64 reference = frame::arch::read_reference_time().realtime_ns;
    CHECK(realtime + 1'000'000 > reference);
    CHECK(realtime < reference + 1'000'000);
}
