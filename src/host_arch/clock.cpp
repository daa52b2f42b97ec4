// The host's clocks as the frame's reference time, and whether the TSC may be the clock: only
// when the host kernel itself keeps time with it (its current clocksource is "tsc"), which
// Linux allows only for a TSC that is stable and in step across CPUs.

#include <cpuid.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>

#include "frame/arch.h"

namespace asterix {

namespace {
u64 clock_ns(clockid_t clock)
{
    timespec ts {};
    clock_gettime(clock, &ts);
    return static_cast<u64>(ts.tv_sec) * 1'000'000'000ull + static_cast<u64>(ts.tv_nsec);
}

bool host_clocksource_is_tsc()
{
    int fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char name[32] {};
    ssize_t n = read(fd, name, sizeof(name) - 1);
    close(fd);
    return n >= 3 && std::strncmp(name, "tsc", 3) == 0 && (n == 3 || name[3] == '\n');
}
} // namespace

frame::arch::ReferenceTime frame::arch::read_reference_time()
{
    u64 monotonic = clock_ns(CLOCK_MONOTONIC);
    u64 realtime = clock_ns(CLOCK_REALTIME);
    u64 tai = clock_ns(CLOCK_TAI);
    // The TAI offset is whole seconds; the two reads are a few nanoseconds apart.
    i64 tai_offset_s = (static_cast<i64>(tai - realtime) + 500'000'000) / 1'000'000'000;
    return {monotonic, realtime, tai_offset_s * 1'000'000'000};
}

bool frame::arch::is_tsc_clock()
{
    // ASTERIX_NO_TSC_CLOCK=1 forces the syscall path, to test it on a host whose TSC qualifies.
    const char* forced_off = getenv("ASTERIX_NO_TSC_CLOCK");
    if (forced_off && *forced_off && *forced_off != '0')
        return false;
    static const bool is_tsc = host_clocksource_is_tsc();
    return is_tsc;
}

bool frame::arch::has_rdtscp()
{
    static const bool has = [] {
        unsigned eax, ebx, ecx, edx;
        return __get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx) && (edx & (1u << 27));
    }();
    return has;
}

u64 frame::arch::read_tsc_ordered()
{
    u32 low, high, aux;
    // SAFETY: these read a counter and touch no memory. rdtscp waits for the loads before it,
    // as lfence does for rdtsc.
    if (has_rdtscp())
        asm volatile("rdtscp" : "=a"(low), "=d"(high), "=c"(aux)::"memory");
    else
        asm volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
    return (u64 {high} << 32) | low;
}

} // namespace asterix
