#pragma once

// prctl(2) and arch_prctl(2) options (uapi linux/prctl.h, asm/prctl.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int pr_set_name = 15;
inline constexpr int pr_get_name = 16;
/// TASK_COMM_LEN: a thread's name, with its terminating NUL.
inline constexpr usize task_comm_len = 16;

inline constexpr int arch_set_gs = 0x1001;
inline constexpr int arch_set_fs = 0x1002;
inline constexpr int arch_get_fs = 0x1003;
inline constexpr int arch_get_gs = 0x1004;

} // namespace asterix::services::abi
