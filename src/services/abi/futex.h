#pragma once

// Linux's futex ABI (uapi linux/futex.h): operations, their flags, and the robust-futex word.

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int futex_wait = 0;
inline constexpr int futex_wake = 1;
inline constexpr int futex_requeue = 3;
inline constexpr int futex_cmp_requeue = 4;
inline constexpr int futex_wake_op = 5;
inline constexpr int futex_lock_pi = 6;
inline constexpr int futex_unlock_pi = 7;
inline constexpr int futex_trylock_pi = 8;
inline constexpr int futex_wait_bitset = 9;
inline constexpr int futex_wake_bitset = 10;
inline constexpr int futex_wait_requeue_pi = 11;
inline constexpr int futex_cmp_requeue_pi = 12;
inline constexpr int futex_lock_pi2 = 13;
inline constexpr int futex_private_flag = 128;
inline constexpr int futex_clock_realtime = 256;
inline constexpr u32 futex_bitset_match_any = 0xffffffff;

// FUTEX_WAKE_OP's encoded operation: op (bits 28-31, with the shift flag), cmp (24-27), oparg
// (12-23) and cmparg (0-11), the last two signed.
inline constexpr int futex_op_set = 0;
inline constexpr int futex_op_add = 1;
inline constexpr int futex_op_or = 2;
inline constexpr int futex_op_andn = 3;
inline constexpr int futex_op_xor = 4;
inline constexpr int futex_op_oparg_shift = 8;
inline constexpr int futex_op_cmp_eq = 0;
inline constexpr int futex_op_cmp_ne = 1;
inline constexpr int futex_op_cmp_lt = 2;
inline constexpr int futex_op_cmp_le = 3;
inline constexpr int futex_op_cmp_gt = 4;
inline constexpr int futex_op_cmp_ge = 5;

// futex_waitv(2): struct futex_waitv and its flags.
struct FutexWaitv {
    u64 val;
    u64 uaddr;
    u32 flags;
    u32 reserved;
};
static_assert(sizeof(FutexWaitv) == 24);
inline constexpr u32 futex_waitv_max = 128;
inline constexpr u32 futex2_size_u8 = 0x00;
inline constexpr u32 futex2_size_u32 = 0x02;
inline constexpr u32 futex2_size_mask = 0x03;
inline constexpr u32 futex2_private = 128;

// The futex word of a robust mutex.
inline constexpr u32 futex_waiters = 0x80000000;
inline constexpr u32 futex_owner_died = 0x40000000;
inline constexpr u32 futex_tid_mask = 0x3fffffff;
/// ROBUST_LIST_LIMIT: how many entries exit walks, against a cyclic list.
inline constexpr int robust_list_limit = 2048;
/// sizeof struct robust_list_head.
inline constexpr u64 robust_list_head_bytes = 24;

} // namespace asterix::services::abi
