#pragma once

// Linux's splice and fallocate ABI (uapi linux/splice.h, linux/falloc.h).

#include "frame/types.h"

namespace asterix::services::abi {

// splice(2), tee(2) and vmsplice(2) flags.
inline constexpr u32 splice_f_move = 0x01;
inline constexpr u32 splice_f_nonblock = 0x02;
inline constexpr u32 splice_f_more = 0x04;
inline constexpr u32 splice_f_gift = 0x08;
inline constexpr u32 splice_f_all = splice_f_move | splice_f_nonblock | splice_f_more | splice_f_gift;

// fallocate(2) modes.
inline constexpr int falloc_fl_keep_size = 0x01;
inline constexpr int falloc_fl_punch_hole = 0x02;
inline constexpr int falloc_fl_no_hide_stale = 0x04;
inline constexpr int falloc_fl_collapse_range = 0x08;
inline constexpr int falloc_fl_zero_range = 0x10;
inline constexpr int falloc_fl_insert_range = 0x20;
inline constexpr int falloc_fl_unshare_range = 0x40;
inline constexpr int falloc_fl_write_zeroes = 0x80;

} // namespace asterix::services::abi
