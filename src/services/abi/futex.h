#pragma once

// Linux's futex ABI (uapi linux/futex.h): operations, their flags, and the robust-futex word.

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int futex_wait = 0;
inline constexpr int futex_wake = 1;
inline constexpr int futex_requeue = 3;
inline constexpr int futex_cmp_requeue = 4;
inline constexpr int futex_wake_op = 5;
inline constexpr int futex_wait_bitset = 9;
inline constexpr int futex_wake_bitset = 10;
inline constexpr int futex_private_flag = 128;
inline constexpr int futex_clock_realtime = 256;
inline constexpr u32 futex_bitset_match_any = 0xffffffff;

// The futex word of a robust mutex.
inline constexpr u32 futex_waiters = 0x80000000;
inline constexpr u32 futex_owner_died = 0x40000000;
inline constexpr u32 futex_tid_mask = 0x3fffffff;
/// ROBUST_LIST_LIMIT: how many entries exit walks, against a cyclic list.
inline constexpr int robust_list_limit = 2048;
/// sizeof struct robust_list_head.
inline constexpr u64 robust_list_head_bytes = 24;

} // namespace asterix::services::abi
