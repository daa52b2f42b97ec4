// The vDSO every guest process gets (AT_SYSINFO_EHDR): clock_gettime, gettimeofday, time,
// clock_getres and getcpu without a trap into the kernel, from the clock parameters the kernel
// publishes in the data page just below this image ([vvar], frame/vdso_data.h). When that page
// says the TSC may not be read, every call is the real syscall, which Asterix handles as any
// other. Built freestanding and position independent, with no relocations and no writable data.

#include "frame/vdso_data.h"

/// The data page: the linker script places it one page below the image, and the code reaches it
/// relative to its own address, so the image works wherever it is mapped.
extern const volatile struct ax_vdso_data ax_vvar __attribute__((visibility("hidden")));

struct ax_timespec {
    long tv_sec;
    long tv_nsec;
};
struct ax_timeval {
    long tv_sec;
    long tv_usec;
};
struct ax_timezone {
    int tz_minuteswest;
    int tz_dsttime;
};

// Linux's numbers (uapi asm/unistd_64.h, linux/time.h): this image includes no host header.
enum {
    nr_gettimeofday = 96,
    nr_time = 201,
    nr_clock_gettime = 228,
    nr_clock_getres = 229,
};
enum {
    clock_realtime = 0,
    clock_monotonic = 1,
    clock_monotonic_raw = 4,
    clock_realtime_coarse = 5,
    clock_monotonic_coarse = 6,
    clock_boottime = 7,
    clock_tai = 11,
};

#define NS_PER_S 1000000000L

/// How often a reader retries while the kernel updates the page before it asks the kernel.
enum { max_spins = 1000 };

static long syscall2(long nr, long a, long b)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

/// The TSC, read only after the loads before it (the sequence number) have completed.
static inline __attribute__((always_inline)) uint64_t read_tsc_ordered(uint32_t how)
{
    uint32_t low, high, aux;
    if (how == AX_VDSO_TSC_RDTSCP)
        __asm__ volatile("rdtscp" : "=a"(low), "=d"(high), "=c"(aux)::"memory");
    else
        __asm__ volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
    return ((uint64_t)high << 32) | low;
}

/// The clock in nanoseconds into `*ns`; 0, or -1 when the syscall must answer instead.
static inline __attribute__((always_inline)) int read_clock(int clock, uint64_t* ns)
{
    const volatile struct ax_vdso_data* data = &ax_vvar;
    for (unsigned spins = 0;; ++spins) {
        uint32_t seq = data->seq;
        __asm__ volatile("" ::: "memory");
        if (seq & 1) {
            // An update takes a fraction of a microsecond, unless the host stopped the kernel
            // in the middle of one: then the syscall waits for it without burning the CPU
            // that the kernel may need to finish.
            if (spins > max_spins)
                return -1;
            __asm__ volatile("pause");
            continue;
        }
        if (data->mode != AX_VDSO_MODE_TSC)
            return -1;
        uint64_t base = data->mono_base_ns;
        int64_t offset = 0;
        int is_coarse = 0;
        switch (clock) {
        case clock_monotonic:
        case clock_monotonic_raw:
            break;
        case clock_boottime:
            offset = data->boottime_offset_ns;
            break;
        case clock_realtime:
            offset = data->realtime_offset_ns;
            break;
        case clock_tai:
            offset = data->realtime_offset_ns + data->tai_offset_ns;
            break;
        case clock_monotonic_coarse:
            is_coarse = 1;
            break;
        case clock_realtime_coarse:
            offset = data->realtime_offset_ns;
            is_coarse = 1;
            break;
        default:
            return -1; // the CPU-time clocks and unknown ones
        }
        uint64_t value = base;
        if (!is_coarse) {
            uint64_t tsc_base = data->tsc_base, mult = data->mult;
            uint32_t shift = data->shift;
            uint64_t tsc = read_tsc_ordered(data->tsc_read);
            // A TSC a hair behind the base (read on another CPU) counts as the base.
            uint64_t delta = tsc > tsc_base ? tsc - tsc_base : 0;
            value += (uint64_t)(((unsigned __int128)delta * mult) >> shift);
        }
        value += (uint64_t)offset;
        __asm__ volatile("" ::: "memory");
        if (data->seq == seq) {
            *ns = value;
            return 0;
        }
    }
}

int __vdso_clock_gettime(int clock, struct ax_timespec* ts)
{
    uint64_t ns;
    if (read_clock(clock, &ns) != 0)
        return (int)syscall2(nr_clock_gettime, clock, (long)ts);
    ts->tv_sec = (long)(ns / NS_PER_S);
    ts->tv_nsec = (long)(ns % NS_PER_S);
    return 0;
}

int __vdso_gettimeofday(struct ax_timeval* tv, struct ax_timezone* tz)
{
    uint64_t ns;
    if (tv) {
        if (read_clock(clock_realtime, &ns) != 0)
            return (int)syscall2(nr_gettimeofday, (long)tv, (long)tz);
        tv->tv_sec = (long)(ns / NS_PER_S);
        tv->tv_usec = (long)(ns % NS_PER_S / 1000);
    }
    if (tz) {
        // The kernel keeps UTC, as Asterix's gettimeofday reports.
        tz->tz_minuteswest = 0;
        tz->tz_dsttime = 0;
    }
    return 0;
}

long __vdso_time(long* tloc)
{
    uint64_t ns;
    // The fine clock, as the syscall reads it, so time() never runs behind gettimeofday().
    if (read_clock(clock_realtime, &ns) != 0)
        return syscall2(nr_time, (long)tloc, 0);
    long seconds = (long)(ns / NS_PER_S);
    if (tloc)
        *tloc = seconds;
    return seconds;
}

int __vdso_clock_getres(int clock, struct ax_timespec* res)
{
    const volatile struct ax_vdso_data* data = &ax_vvar;
    long resolution_ns;
    switch (clock) {
    case clock_realtime:
    case clock_monotonic:
    case clock_monotonic_raw:
    case clock_boottime:
    case clock_tai:
        resolution_ns = 1;
        break;
    case clock_realtime_coarse:
    case clock_monotonic_coarse:
        resolution_ns = (long)data->coarse_resolution_ns;
        break;
    default:
        resolution_ns = 0;
        break;
    }
    if (data->mode != AX_VDSO_MODE_TSC || resolution_ns == 0)
        return (int)syscall2(nr_clock_getres, clock, (long)res);
    if (res) {
        res->tv_sec = 0;
        res->tv_nsec = resolution_ns;
    }
    return 0;
}

long __vdso_getcpu(unsigned* cpu, unsigned* node, void* cache)
{
    // Asterix shows its guests one CPU and one NUMA node.
    (void)cache;
    if (cpu)
        *cpu = 0;
    if (node)
        *node = 0;
    return 0;
}

// The unprefixed names Linux's vDSO also exports.
int clock_gettime(int, struct ax_timespec*) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct ax_timeval*, struct ax_timezone*) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long*) __attribute__((weak, alias("__vdso_time")));
int clock_getres(int, struct ax_timespec*) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned*, unsigned*, void*) __attribute__((weak, alias("__vdso_getcpu")));
