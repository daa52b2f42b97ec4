#pragma once

// Linux's eventfd ABI (uapi linux/eventfd.h): eventfd2's flags.

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr u32 efd_semaphore = 1;
inline constexpr u32 efd_cloexec = 02000000;
inline constexpr u32 efd_nonblock = 04000;

} // namespace asterix::services::abi
