#pragma once

// Linux's wait ABI (uapi linux/wait.h): wait4/waitid options and waitid's id types.

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int wnohang = 1;
/// WUNTRACED for wait4, WSTOPPED for waitid: the same bit.
inline constexpr int wuntraced = 2;
inline constexpr int wstopped = 2;
inline constexpr int wexited = 4;
inline constexpr int wcontinued = 8;
inline constexpr int wnowait = 0x01000000;
inline constexpr int wnothread = 0x20000000;
inline constexpr int wall = 0x40000000;
inline constexpr int wclone = static_cast<int>(0x80000000);

/// waitid(2)'s idtype: which children a wait is about (P_ALL, P_PID, P_PGID, P_PIDFD).
enum class WaitIdType : int { all = 0, pid = 1, pgid = 2, pidfd = 3 };

} // namespace asterix::services::abi
