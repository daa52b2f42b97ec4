#pragma once

// Linux's inotify ABI (uapi linux/inotify.h): event bits, inotify_init1 and add_watch flags,
// struct inotify_event and the default limits of /proc/sys/fs/inotify.

#include "frame/types.h"
#include "services/abi/fcntl.h"

namespace asterix::services::abi {

inline constexpr u32 in_access = 0x00000001;
inline constexpr u32 in_modify = 0x00000002;
inline constexpr u32 in_attrib = 0x00000004;
inline constexpr u32 in_close_write = 0x00000008;
inline constexpr u32 in_close_nowrite = 0x00000010;
inline constexpr u32 in_open = 0x00000020;
inline constexpr u32 in_moved_from = 0x00000040;
inline constexpr u32 in_moved_to = 0x00000080;
inline constexpr u32 in_create = 0x00000100;
inline constexpr u32 in_delete = 0x00000200;
inline constexpr u32 in_delete_self = 0x00000400;
inline constexpr u32 in_move_self = 0x00000800;
inline constexpr u32 in_all_events = 0x00000fff;
inline constexpr u32 in_unmount = 0x00002000;
inline constexpr u32 in_q_overflow = 0x00004000;
inline constexpr u32 in_ignored = 0x00008000;
inline constexpr u32 in_onlydir = 0x01000000;
inline constexpr u32 in_dont_follow = 0x02000000;
inline constexpr u32 in_excl_unlink = 0x04000000;
inline constexpr u32 in_mask_create = 0x10000000;
inline constexpr u32 in_mask_add = 0x20000000;
inline constexpr u32 in_isdir = 0x40000000;
inline constexpr u32 in_oneshot = 0x80000000;
/// Every bit inotify_add_watch(2) accepts in a mask (Linux's ALL_INOTIFY_BITS).
inline constexpr u32 in_valid_mask = in_all_events | in_unmount | in_q_overflow | in_ignored | in_onlydir | in_dont_follow
    | in_excl_unlink | in_mask_create | in_mask_add | in_isdir | in_oneshot;

// inotify_init1(2) flags.
inline constexpr u32 in_nonblock = o_nonblock;
inline constexpr u32 in_cloexec = o_cloexec;

/// struct inotify_event without its name: the name follows, NUL-padded to `len` bytes.
struct InotifyEvent {
    i32 wd;
    u32 mask;
    u32 cookie;
    u32 len;
};

// Linux's defaults for /proc/sys/fs/inotify.
inline constexpr u32 inotify_max_queued_events = 16384;
inline constexpr u32 inotify_max_user_instances = 128;
inline constexpr u32 inotify_max_user_watches = 8192;

} // namespace asterix::services::abi
