#pragma once

// The vDSO's data page ([vvar]): the clock parameters the kernel publishes and the vDSO image
// reads in guest user mode. Both the frame (C++) and the vDSO (C, built apart) include this
// file, so it is plain C with fixed-width fields; its layout is the contract between them.

#include <stdint.h>

/// How the vDSO may read the time.
enum {
    /// Every call falls back to the real syscall (no usable TSC, or before calibration).
    AX_VDSO_MODE_SYSCALL = 0,
    /// CLOCK_MONOTONIC is mono_base_ns + (((TSC - tsc_base) * mult) >> shift).
    AX_VDSO_MODE_TSC = 1,
};

/// How the vDSO reads the TSC in order after the sequence number: rdtscp where the CPU has it
/// (Linux's choice too; on these VMs lfence costs twice as much), else lfence; rdtsc.
enum {
    AX_VDSO_TSC_LFENCE_RDTSC = 0,
    AX_VDSO_TSC_RDTSCP = 1,
};

/// The clock parameters, under a sequence lock: `seq` is odd while the kernel writes them, and
/// a reader retries when `seq` was odd or changed across its read.
struct ax_vdso_data {
    uint32_t seq;
    uint32_t mode;
    uint64_t tsc_base;
    /// CLOCK_MONOTONIC at tsc_base, and the coarse monotonic clock until the next update.
    uint64_t mono_base_ns;
    uint64_t mult;
    uint32_t shift;
    uint32_t tsc_read;
    /// CLOCK_REALTIME = CLOCK_MONOTONIC + this.
    int64_t realtime_offset_ns;
    /// CLOCK_TAI = CLOCK_REALTIME + this.
    int64_t tai_offset_ns;
    /// CLOCK_BOOTTIME = CLOCK_MONOTONIC + this (the time spent suspended, none so far).
    int64_t boottime_offset_ns;
    /// The resolution of the coarse clocks: how often the kernel updates this page.
    uint64_t coarse_resolution_ns;
};
