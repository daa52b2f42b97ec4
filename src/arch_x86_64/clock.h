#pragma once

#include "frame/types.h"

namespace asterix::arch_x86_64 {

/// Sets the TSC rate from two readings `elapsed_us` apart (timed by the PIT) and reads the RTC.
void calibrate_clock(u64 tsc_before, u64 tsc_after, u64 elapsed_us);
u64 tsc_now();

} // namespace asterix::arch_x86_64
