#pragma once

// Extended attributes (uapi linux/xattr.h, linux/limits.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr int xattr_create = 1;
inline constexpr int xattr_replace = 2;
/// XATTR_NAME_MAX, XATTR_SIZE_MAX, XATTR_LIST_MAX.
inline constexpr usize xattr_name_max = 255;
inline constexpr usize xattr_size_max = 65536;
inline constexpr usize xattr_list_max = 65536;

} // namespace asterix::services::abi
