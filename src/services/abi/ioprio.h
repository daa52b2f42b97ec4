#pragma once

// I/O priorities (uapi linux/ioprio.h): ioprio_get(2) and ioprio_set(2).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int ioprio_who_process = 1;
inline constexpr int ioprio_who_pgrp = 2;
inline constexpr int ioprio_who_user = 3;

inline constexpr u32 ioprio_class_shift = 13;
inline constexpr u32 ioprio_class_none = 0;
inline constexpr u32 ioprio_class_rt = 1;
inline constexpr u32 ioprio_class_be = 2;
inline constexpr u32 ioprio_class_idle = 3;
inline constexpr u32 ioprio_class_invalid = 7;
/// The data bits below the class: the level in the low 3 bits, hints above them.
inline constexpr u32 ioprio_prio_mask = (1u << ioprio_class_shift) - 1;
inline constexpr u32 ioprio_level_mask = 7;
inline constexpr u32 ioprio_nr_levels = 8;

} // namespace asterix::services::abi
