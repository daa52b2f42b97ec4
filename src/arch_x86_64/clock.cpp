// Time and randomness on bare metal. The reference clock (frame/timekeeping.cpp keeps the
// frame's clock from it) is the TSC, calibrated against the PIT at boot; the real-time clock
// is the CMOS RTC read once at boot plus the monotonic time since. Guests read the TSC too
// (through the vDSO) only where it is invariant. Random bytes come from RDRAND when the CPU
// has it, else from a xorshift generator seeded with the TSC (not cryptographic).

#include "arch_x86_64/clock.h"

#include "arch_x86_64/cpu.h"
#include "arch_x86_64/serial.h"
#include "frame/arch.h"
#include "frame/clock.h"
#include "frame/cpu.h"

namespace asterix::arch_x86_64 {

namespace {
u64 g_tsc_start = 0;
u64 g_tsc_per_us = 1000; // replaced by calibrate_clock
u64 g_boot_epoch_ns = 0;
bool g_has_rdrand = false;
u64 g_xorshift = 0;

u64 read_tsc()
{
    u32 low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (u64 {high} << 32) | low;
}

u8 cmos(u8 reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

u64 from_bcd(u8 value, bool is_bcd) { return is_bcd ? (value >> 4) * 10 + (value & 15) : value; }

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
u64 days_since_epoch(u64 year, u64 month, u64 day)
{
    i64 y = static_cast<i64>(year) - (month <= 2);
    i64 era = y / 400;
    i64 yoe = y - era * 400;
    i64 m = static_cast<i64>(month);
    i64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<i64>(day) - 1;
    i64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<u64>(era * 146097 + doe - 719468);
}

u64 read_rtc_epoch_ns()
{
    while (cmos(0x0a) & 0x80) { // an update is in progress
    }
    bool is_bcd = !(cmos(0x0b) & 0x04);
    u64 second = from_bcd(cmos(0x00), is_bcd), minute = from_bcd(cmos(0x02), is_bcd);
    u64 hour = from_bcd(cmos(0x04) & 0x7f, is_bcd), day = from_bcd(cmos(0x07), is_bcd);
    u64 month = from_bcd(cmos(0x08), is_bcd), year = 2000 + from_bcd(cmos(0x09), is_bcd);
    u64 days = days_since_epoch(year, month, day);
    return ((days * 24 + hour) * 60 + minute) * 60 * 1'000'000'000 + second * 1'000'000'000;
}
} // namespace

void calibrate_clock(u64 tsc_before, u64 tsc_after, u64 elapsed_us)
{
    g_tsc_start = tsc_before;
    g_tsc_per_us = (tsc_after - tsc_before) / elapsed_us;
    if (g_tsc_per_us == 0)
        g_tsc_per_us = 1;
    g_boot_epoch_ns = read_rtc_epoch_ns();
    g_has_rdrand = cpuid(1).ecx & (1u << 30);
    g_xorshift = read_tsc() | 1;
}

u64 tsc_now() { return read_tsc(); }

} // namespace asterix::arch_x86_64

namespace asterix::frame {

arch::ReferenceTime arch::read_reference_time()
{
    u64 monotonic = 0; // before calibration (global constructors) time stands still
    if (arch_x86_64::g_tsc_start)
        monotonic = (arch_x86_64::tsc_now() - arch_x86_64::g_tsc_start) * 1000 / arch_x86_64::g_tsc_per_us;
    return {monotonic, arch_x86_64::g_boot_epoch_ns + monotonic, 0};
}

bool arch::is_tsc_clock()
{
    // An invariant TSC (CPUID 0x80000007, EDX bit 8) runs at one rate in every power state;
    // without it the guests' vDSO would count a clock whose rate can change under it.
    if (arch_x86_64::cpuid(0x80000000).eax < 0x80000007)
        return false;
    return arch_x86_64::cpuid(0x80000007).edx & (1u << 8);
}

bool arch::has_rdtscp()
{
    static const bool has = arch_x86_64::cpuid(0x80000000).eax >= 0x80000001
        && (arch_x86_64::cpuid(0x80000001).edx & (1u << 27));
    return has;
}

u64 arch::read_tsc_ordered()
{
    u32 low, high, aux;
    // rdtscp waits for the loads before it, as lfence does for rdtsc.
    if (has_rdtscp())
        asm volatile("rdtscp" : "=a"(low), "=d"(high), "=c"(aux)::"memory");
    else
        asm volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
    return (u64 {high} << 32) | low;
}

void random_bytes(std::span<u8> out)
{
    for (usize i = 0; i < out.size(); i += 8) {
        u64 value = 0;
        bool is_ok = false;
        if (arch_x86_64::g_has_rdrand)
            asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(is_ok));
        if (!is_ok) {
            u64& x = arch_x86_64::g_xorshift;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            value = x;
        }
        for (usize j = 0; j < 8 && i + j < out.size(); ++j)
            out[i + j] = static_cast<u8>(value >> (8 * j));
    }
}

u64 cpu_hwcap()
{
    return arch_x86_64::cpuid(1).edx; // x86-64 Linux reports CPUID.1:EDX as AT_HWCAP
}

u64 cpu_hwcap2() { return 0; }

} // namespace asterix::frame
