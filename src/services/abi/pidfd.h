#pragma once

// Linux's pidfd ABI (uapi linux/pidfd.h): pidfd_open(2)'s and pidfd_send_signal(2)'s flags.

#include "frame/types.h"
#include "services/abi/fcntl.h"

namespace asterix::services::abi {

/// PIDFD_NONBLOCK: the pidfd is O_NONBLOCK (waitid(P_PIDFD) then never blocks: EAGAIN).
inline constexpr u32 pidfd_nonblock = o_nonblock;
/// PIDFD_THREAD (Linux 6.9): the pidfd names one thread, not its thread group.
inline constexpr u32 pidfd_thread = o_excl;

// pidfd_send_signal(2)'s flags (Linux 6.9): whom the signal goes to.
inline constexpr u32 pidfd_signal_thread = 1u << 0;
inline constexpr u32 pidfd_signal_thread_group = 1u << 1;
inline constexpr u32 pidfd_signal_process_group = 1u << 2;

} // namespace asterix::services::abi
