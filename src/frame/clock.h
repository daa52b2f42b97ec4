#pragma once

#include <span>

#include "frame/types.h"

namespace asterix::frame {

/// Nanoseconds since an arbitrary start, never going back.
u64 monotonic_ns();
/// Nanoseconds since the Unix epoch.
u64 realtime_ns();
/// Fills `out` with random bytes from the host (hosted) or the hardware RNG.
void random_bytes(std::span<u8> out);

} // namespace asterix::frame
