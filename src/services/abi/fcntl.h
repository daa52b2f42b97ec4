#pragma once

// Linux's <linux/fcntl.h> and <linux/openat2.h>: the AT_* flags of the *at calls and the
// RESOLVE_* flags of openat2, as guests pass them.

#include "frame/types.h"

namespace asterix::services::abi {

// The *at calls: the directory a relative path starts from, and how the path is taken.
inline constexpr int at_fdcwd = -100;
inline constexpr int at_symlink_nofollow = 0x100;
inline constexpr int at_eaccess = 0x200;   ///< faccessat: check with the effective IDs
inline constexpr int at_removedir = 0x200; ///< unlinkat: remove a directory
inline constexpr int at_symlink_follow = 0x400;
inline constexpr int at_no_automount = 0x800;
inline constexpr int at_empty_path = 0x1000;
inline constexpr int at_statx_sync_type = 0x6000;

// openat2(2) resolve flags: how the whole walk of the path may go.
inline constexpr u64 resolve_no_xdev = 0x01;
inline constexpr u64 resolve_no_magiclinks = 0x02;
inline constexpr u64 resolve_no_symlinks = 0x04;
inline constexpr u64 resolve_beneath = 0x08;
inline constexpr u64 resolve_in_root = 0x10;
inline constexpr u64 resolve_cached = 0x20;
inline constexpr u64 resolve_all = resolve_no_xdev | resolve_no_magiclinks | resolve_no_symlinks | resolve_beneath
    | resolve_in_root | resolve_cached;

} // namespace asterix::services::abi
