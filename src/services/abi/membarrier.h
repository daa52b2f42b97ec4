#pragma once

// membarrier(2)'s commands (uapi linux/membarrier.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int membarrier_cmd_query = 0;
inline constexpr int membarrier_cmd_global = 1 << 0;
inline constexpr int membarrier_cmd_global_expedited = 1 << 1;
inline constexpr int membarrier_cmd_register_global_expedited = 1 << 2;
inline constexpr int membarrier_cmd_private_expedited = 1 << 3;
inline constexpr int membarrier_cmd_register_private_expedited = 1 << 4;
inline constexpr int membarrier_cmd_private_expedited_sync_core = 1 << 5;
inline constexpr int membarrier_cmd_register_private_expedited_sync_core = 1 << 6;
inline constexpr int membarrier_cmd_private_expedited_rseq = 1 << 7;
inline constexpr int membarrier_cmd_register_private_expedited_rseq = 1 << 8;
inline constexpr int membarrier_cmd_get_registrations = 1 << 9;
/// Every command (QUERY is none of the bits), as Linux 6.3 and later answer QUERY.
inline constexpr int membarrier_cmd_bitmask = (1 << 10) - 1;

/// MEMBARRIER_CMD_FLAG_CPU: PRIVATE_EXPEDITED_RSEQ on one CPU only.
inline constexpr u32 membarrier_cmd_flag_cpu = 1;

} // namespace asterix::services::abi
