#pragma once

#include <span>

#include "frame/types.h"

namespace asterix::frame {

/// The clocks the frame keeps; the services map Linux's clock ids onto them. Where the vDSO
/// reads the TSC, these are computed from the very parameters it reads, so a guest never sees
/// a syscall's time run behind a vDSO time it read before, or the other way round.
enum class Clock : u8 {
    realtime,
    monotonic,
    monotonic_raw,
    boottime,
    realtime_coarse,
    monotonic_coarse,
    tai,
};

/// Nanoseconds since an arbitrary start, never going back.
u64 monotonic_ns();
/// Nanoseconds since the Unix epoch.
u64 realtime_ns();
/// The time of `clock` in nanoseconds (since the epoch for the real-time clocks).
u64 clock_ns(Clock clock);
/// How fine `clock` is, in nanoseconds.
u64 clock_resolution_ns(Clock clock);
/// Fills `out` with random bytes from the host (hosted) or the hardware RNG.
void random_bytes(std::span<u8> out);

} // namespace asterix::frame
