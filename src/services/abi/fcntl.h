#pragma once

// Linux's file-control ABI (uapi asm-generic/fcntl.h, linux/fcntl.h, linux/openat2.h,
// linux/fs.h, linux/close_range.h): open flags, the *at() flags, fcntl commands, rename and
// resolve flags, access(2) modes and struct open_how.

#include "frame/types.h"

namespace asterix::services::abi {

// open(2) flags.
inline constexpr u32 o_accmode = 03;
inline constexpr u32 o_rdonly = 0;
inline constexpr u32 o_wronly = 01;
inline constexpr u32 o_rdwr = 02;
inline constexpr u32 o_creat = 0100;
inline constexpr u32 o_excl = 0200;
inline constexpr u32 o_noctty = 0400;
inline constexpr u32 o_trunc = 01000;
inline constexpr u32 o_append = 02000;
inline constexpr u32 o_nonblock = 04000;
inline constexpr u32 o_dsync = 010000;
inline constexpr u32 o_async = 020000;
inline constexpr u32 o_direct = 040000;
inline constexpr u32 o_largefile = 0100000;
inline constexpr u32 o_directory = 0200000;
inline constexpr u32 o_nofollow = 0400000;
inline constexpr u32 o_noatime = 01000000;
inline constexpr u32 o_cloexec = 02000000;
inline constexpr u32 o_sync = 04010000;
inline constexpr u32 o_path = 010000000;
inline constexpr u32 o_tmpfile = 020200000;
/// VALID_OPEN_FLAGS: every flag open(2) knows; openat2(2) rejects any other.
inline constexpr u32 valid_open_flags = o_accmode | o_creat | o_excl | o_noctty | o_trunc | o_append | o_nonblock
    | o_dsync | o_async | o_direct | o_largefile | o_directory | o_nofollow | o_noatime | o_cloexec | o_sync | o_path
    | o_tmpfile;
/// O_PATH_FLAGS: the flags that keep their meaning with O_PATH; the others are dropped.
inline constexpr u32 o_path_flags = o_path | o_directory | o_nofollow | o_cloexec;

// The *at() calls: the directory fd that means the working directory, and their flags.
inline constexpr int at_fdcwd = -100;
inline constexpr int at_symlink_nofollow = 0x100;
inline constexpr int at_removedir = 0x200;
inline constexpr int at_eaccess = 0x200;
inline constexpr int at_symlink_follow = 0x400;
inline constexpr int at_no_automount = 0x800;
inline constexpr int at_empty_path = 0x1000;
/// name_to_handle_at(2): a handle only to identify the file, never to open it.
inline constexpr int at_handle_fid = 0x200;
/// MAX_HANDLE_SZ: the most bytes a file handle may have.
inline constexpr u32 max_handle_bytes = 128;

// sync_file_range(2) flags.
inline constexpr u32 sync_file_range_wait_before = 1;
inline constexpr u32 sync_file_range_write = 2;
inline constexpr u32 sync_file_range_wait_after = 4;

// fallocate(2) modes.
inline constexpr int falloc_fl_keep_size = 0x01;
inline constexpr int falloc_fl_punch_hole = 0x02;
inline constexpr int falloc_fl_collapse_range = 0x08;
inline constexpr int falloc_fl_zero_range = 0x10;
inline constexpr int falloc_fl_insert_range = 0x20;
inline constexpr int falloc_fl_unshare_range = 0x40;
inline constexpr int falloc_fl_write_zeroes = 0x80;
inline constexpr int at_statx_sync_type = 0x6000;

// fcntl(2) commands and arguments.
inline constexpr int f_dupfd = 0;
inline constexpr int f_getfd = 1;
inline constexpr int f_setfd = 2;
inline constexpr int f_getfl = 3;
inline constexpr int f_setfl = 4;
inline constexpr int f_getlk = 5;
inline constexpr int f_setlk = 6;
inline constexpr int f_setlkw = 7;
inline constexpr int f_ofd_getlk = 36;
inline constexpr int f_ofd_setlk = 37;
inline constexpr int f_ofd_setlkw = 38;
inline constexpr int f_dupfd_cloexec = 1030;
inline constexpr int f_setpipe_sz = 1031;
inline constexpr int f_getpipe_sz = 1032;
inline constexpr int f_add_seals = 1033;
inline constexpr int f_get_seals = 1034;
/// File seals (F_ADD_SEALS/F_GET_SEALS, memfd_create(2)).
inline constexpr u32 f_seal_seal = 0x1;
inline constexpr u32 f_seal_shrink = 0x2;
inline constexpr u32 f_seal_grow = 0x4;
inline constexpr u32 f_seal_write = 0x8;
inline constexpr u32 f_seal_future_write = 0x10;
inline constexpr u32 f_seal_all = f_seal_seal | f_seal_shrink | f_seal_grow | f_seal_write | f_seal_future_write;
inline constexpr int fd_cloexec = 1;
// struct flock's l_type.
inline constexpr i16 f_rdlck = 0;
inline constexpr i16 f_wrlck = 1;
inline constexpr i16 f_unlck = 2;

/// struct flock, as fcntl(2)'s lock commands read it.
struct Flock {
    i16 type;
    i16 whence;
    i32 pad;
    i64 start;
    i64 len;
    i32 pid;
    i32 pad2;
};

// close_range(2) flags.
inline constexpr u32 close_range_unshare = 1u << 1;
inline constexpr u32 close_range_cloexec = 1u << 2;

// renameat2(2) flags.
inline constexpr u32 rename_noreplace = 1;
inline constexpr u32 rename_exchange = 2;
inline constexpr u32 rename_whiteout = 4;

// openat2(2) resolve flags.
inline constexpr u64 resolve_no_xdev = 0x01;
inline constexpr u64 resolve_no_magiclinks = 0x02;
inline constexpr u64 resolve_no_symlinks = 0x04;
inline constexpr u64 resolve_beneath = 0x08;
inline constexpr u64 resolve_in_root = 0x10;
inline constexpr u64 resolve_cached = 0x20;
inline constexpr u64 resolve_all = resolve_no_xdev | resolve_no_magiclinks | resolve_no_symlinks | resolve_beneath
    | resolve_in_root | resolve_cached;

/// struct open_how, as openat2(2) reads it.
struct OpenHow {
    u64 flags;
    u64 mode;
    u64 resolve;
};

// access(2) modes.
inline constexpr int f_ok = 0;
inline constexpr int x_ok = 1;
inline constexpr int w_ok = 2;
inline constexpr int r_ok = 4;

// lseek(2) whence values.
inline constexpr int seek_set = 0;
inline constexpr int seek_cur = 1;
inline constexpr int seek_end = 2;
inline constexpr int seek_data = 3;
inline constexpr int seek_hole = 4;

// flock(2) operations.
inline constexpr int lock_sh = 1;
inline constexpr int lock_ex = 2;
inline constexpr int lock_nb = 4;
inline constexpr int lock_un = 8;
/// Mandatory locks, which Linux no longer supports: such a request is ignored (returns 0).
inline constexpr int lock_mand = 32;

} // namespace asterix::services::abi
