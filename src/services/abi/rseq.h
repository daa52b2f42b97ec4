#pragma once

// rseq(2) (uapi linux/rseq.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int rseq_flag_unregister = 1;
/// The original struct rseq; registrations must give at least this much.
inline constexpr u32 rseq_min_len = 32;

} // namespace asterix::services::abi
