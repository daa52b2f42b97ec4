#pragma once

// Linux's file-status ABI (uapi linux/stat.h, asm/stat.h, asm-generic/statfs.h): file types
// in st_mode, directory entry types, struct stat, statx and statfs, and utimensat's specials.

#include <array>

#include "frame/types.h"
#include "services/abi/time.h"

namespace asterix::services::abi {

// File types, as the S_IFMT bits of st_mode.
inline constexpr u32 s_ifmt = 0170000;
inline constexpr u32 s_ifsock = 0140000;
inline constexpr u32 s_iflnk = 0120000;
inline constexpr u32 s_ifreg = 0100000;
inline constexpr u32 s_ifblk = 0060000;
inline constexpr u32 s_ifdir = 0040000;
inline constexpr u32 s_ifchr = 0020000;
inline constexpr u32 s_ififo = 0010000;

// Permission bits of st_mode beyond rwx (linux/stat.h).
inline constexpr u32 s_isuid = 04000;
inline constexpr u32 s_isgid = 02000;
inline constexpr u32 s_isvtx = 01000;
inline constexpr u32 s_ixgrp = 00010;
inline constexpr u32 s_ixugo = 00111;

// getdents64 d_type values.
inline constexpr u8 dt_unknown = 0;
inline constexpr u8 dt_fifo = 1;
inline constexpr u8 dt_chr = 2;
inline constexpr u8 dt_dir = 4;
inline constexpr u8 dt_reg = 8;
inline constexpr u8 dt_lnk = 10;

// utimensat(2)'s special tv_nsec values.
inline constexpr i64 utime_now = (1l << 30) - 1;
inline constexpr i64 utime_omit = (1l << 30) - 2;

/// statfs(2)'s f_flags: the mount is nosuid (ST_NOSUID).
inline constexpr u64 st_nosuid = 0x0002;

/// STATX_BASIC_STATS: the fields every statx(2) answer fills.
inline constexpr u32 statx_basic_stats = 0x7ff;

struct Stat {
    u64 dev;
    u64 ino;
    u64 nlink;
    u32 mode;
    u32 uid;
    u32 gid;
    u32 pad0;
    u64 rdev;
    i64 size;
    i64 blksize;
    i64 blocks;
    u64 atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
    std::array<i64, 3> unused;
};
static_assert(sizeof(Stat) == 144);

struct StatxTimestamp {
    i64 sec;
    u32 nsec;
    i32 reserved;
};

struct Statx {
    u32 mask;
    u32 blksize;
    u64 attributes;
    u32 nlink;
    u32 uid;
    u32 gid;
    u16 mode;
    u16 spare0;
    u64 ino;
    u64 size;
    u64 blocks;
    u64 attributes_mask;
    StatxTimestamp atime, btime, ctime, mtime;
    u32 rdev_major, rdev_minor, dev_major, dev_minor;
    u64 mnt_id;
    u32 dio_mem_align, dio_offset_align;
    std::array<u64, 12> spare;
};
static_assert(sizeof(Statx) == 256);

struct StatFs {
    i64 type, bsize;
    u64 blocks, bfree, bavail, files, ffree;
    std::array<i32, 2> fsid;
    i64 namelen, frsize, flags;
    std::array<i64, 4> spare;
};
static_assert(sizeof(StatFs) == 120);

/// utimensat(2)'s times[2]: access, then modification.
struct Timespec2 {
    Timespec atime;
    Timespec mtime;
};

} // namespace asterix::services::abi
