#pragma once

// Linux's NUMA memory policy ABI (uapi linux/mempolicy.h): set_mempolicy(2), get_mempolicy(2)
// and mbind(2).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int mpol_default = 0;
inline constexpr int mpol_preferred = 1;
inline constexpr int mpol_bind = 2;
inline constexpr int mpol_interleave = 3;
inline constexpr int mpol_local = 4;
inline constexpr int mpol_preferred_many = 5;
inline constexpr int mpol_weighted_interleave = 6;
inline constexpr int mpol_max = 7;
/// The mode flags or'ed into a mode.
inline constexpr int mpol_f_static_nodes = 1 << 15;
inline constexpr int mpol_f_relative_nodes = 1 << 14;
inline constexpr int mpol_f_numa_balancing = 1 << 13;
inline constexpr int mpol_mode_flags = mpol_f_static_nodes | mpol_f_relative_nodes | mpol_f_numa_balancing;
/// get_mempolicy's flags.
inline constexpr u64 mpol_f_node = 1;
inline constexpr u64 mpol_f_addr = 2;
inline constexpr u64 mpol_f_mems_allowed = 4;
/// mbind's flags.
inline constexpr u64 mpol_mf_strict = 1;
inline constexpr u64 mpol_mf_move = 2;
inline constexpr u64 mpol_mf_move_all = 4;

} // namespace asterix::services::abi
