#pragma once

// prctl(2) and arch_prctl(2) options (uapi linux/prctl.h, asm/prctl.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int pr_set_name = 15;
inline constexpr int pr_get_name = 16;
/// TASK_COMM_LEN: a thread's name, with its terminating NUL.
inline constexpr usize task_comm_len = 16;

inline constexpr int pr_set_pdeathsig = 1;
inline constexpr int pr_get_pdeathsig = 2;
inline constexpr int pr_get_dumpable = 3;
inline constexpr int pr_set_dumpable = 4;
inline constexpr int pr_set_timerslack = 29;
inline constexpr int pr_get_timerslack = 30;
/// A new process's timer slack (50 µs), and what PR_SET_TIMERSLACK 0 goes back to.
inline constexpr u64 default_timer_slack_ns = 50'000;
inline constexpr int pr_set_child_subreaper = 36;
inline constexpr int pr_get_child_subreaper = 37;
inline constexpr int pr_get_keepcaps = 7;
inline constexpr int pr_set_keepcaps = 8;
inline constexpr int pr_capbset_read = 23;
inline constexpr int pr_capbset_drop = 24;
inline constexpr int pr_get_securebits = 27;
inline constexpr int pr_set_securebits = 28;
inline constexpr int pr_set_no_new_privs = 38;
inline constexpr int pr_get_no_new_privs = 39;
inline constexpr int pr_cap_ambient = 47;

/// PR_CAP_AMBIENT's operations.
inline constexpr int pr_cap_ambient_is_set = 1;
inline constexpr int pr_cap_ambient_raise = 2;
inline constexpr int pr_cap_ambient_lower = 3;
inline constexpr int pr_cap_ambient_clear_all = 4;

inline constexpr int arch_set_gs = 0x1001;
inline constexpr int arch_set_fs = 0x1002;
inline constexpr int arch_get_fs = 0x1003;
inline constexpr int arch_get_gs = 0x1004;
inline constexpr int arch_get_cpuid = 0x1011;
inline constexpr int arch_set_cpuid = 0x1012;

} // namespace asterix::services::abi
