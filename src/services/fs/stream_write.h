#pragma once

#include <functional>
#include <span>

#include "frame/result.h"
#include "frame/user_io.h"

namespace asterix::services {

/// A stream's bytes go to a device in chunks of at most this many.
inline constexpr usize stream_chunk_bytes = 64 * 1024;

/// Copies everything `in` holds to a device that may take part of a chunk at a time (a host
/// stream, a terminal driver): `put` writes some of what it is given and says how much. A
/// failure after some bytes went through is the short count write(2) returns, else the error.
Result<usize> write_through(frame::UserReader& in, const std::function<Result<usize>(std::span<const u8>)>& put);

} // namespace asterix::services
