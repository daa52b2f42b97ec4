#pragma once

// Linux's splice ABI (uapi linux/splice.h); fallocate's modes are in fcntl.h.

#include "frame/types.h"

namespace asterix::services::abi {

// splice(2), tee(2) and vmsplice(2) flags.
inline constexpr u32 splice_f_move = 0x01;
inline constexpr u32 splice_f_nonblock = 0x02;
inline constexpr u32 splice_f_more = 0x04;
inline constexpr u32 splice_f_gift = 0x08;
inline constexpr u32 splice_f_all = splice_f_move | splice_f_nonblock | splice_f_more | splice_f_gift;

} // namespace asterix::services::abi
