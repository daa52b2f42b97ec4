#pragma once

// The flag sets and enumerations --strace names, each written once (Linux's values, x86-64).

#include "services/syscalls/strace_args.h"

namespace asterix::services::strace {

inline constexpr FlagName prot_flag_names[] = {{1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}};
inline constexpr FlagSet prot_flag_set {prot_flag_names, "PROT_NONE"};

inline constexpr FlagName map_flag_names[] = {
    {0x01, "MAP_SHARED"}, {0x02, "MAP_PRIVATE"}, {0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"},
    {0x100, "MAP_GROWSDOWN"}, {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"}, {0x2000, "MAP_LOCKED"},
    {0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"}, {0x20000, "MAP_STACK"},
    {0x40000, "MAP_HUGETLB"}, {0x100000, "MAP_FIXED_NOREPLACE"},
};
inline constexpr FlagSet map_flag_set {map_flag_names, "0"};

/// The open flags after the access mode (the low two bits, which are not flags).
inline constexpr FlagName open_flag_names[] = {
    {0100, "O_CREAT"}, {0200, "O_EXCL"}, {0400, "O_NOCTTY"}, {01000, "O_TRUNC"}, {02000, "O_APPEND"},
    {04000, "O_NONBLOCK"}, {010000, "O_DSYNC"}, {020000, "O_ASYNC"}, {040000, "O_DIRECT"}, {0100000, "O_LARGEFILE"},
    {0200000, "O_DIRECTORY"}, {0400000, "O_NOFOLLOW"}, {01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"},
    {04000000, "O_SYNC"}, {010000000, "O_PATH"}, {020000000, "O_TMPFILE"},
};
inline constexpr FlagSet open_flag_set {open_flag_names, ""};
inline constexpr u64 open_access_mode_mask = 3;

/// The clone flags above the exit signal (the low byte, which is a signal number).
inline constexpr FlagName clone_flag_names[] = {
    {0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"}, {0x800, "CLONE_SIGHAND"},
    {0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"}, {0x4000, "CLONE_VFORK"}, {0x8000, "CLONE_PARENT"},
    {0x10000, "CLONE_THREAD"}, {0x20000, "CLONE_NEWNS"}, {0x40000, "CLONE_SYSVSEM"}, {0x80000, "CLONE_SETTLS"},
    {0x100000, "CLONE_PARENT_SETTID"}, {0x200000, "CLONE_CHILD_CLEARTID"}, {0x400000, "CLONE_DETACHED"},
    {0x800000, "CLONE_UNTRACED"}, {0x1000000, "CLONE_CHILD_SETTID"},
};
inline constexpr FlagSet clone_flag_set {clone_flag_names, ""};
inline constexpr u64 clone_signal_mask = 0xff;

inline constexpr ValueName clock_names[] = {{0, "CLOCK_REALTIME"}, {1, "CLOCK_MONOTONIC"},
    {2, "CLOCK_PROCESS_CPUTIME_ID"}, {3, "CLOCK_THREAD_CPUTIME_ID"}, {4, "CLOCK_MONOTONIC_RAW"},
    {5, "CLOCK_REALTIME_COARSE"}, {6, "CLOCK_MONOTONIC_COARSE"}, {7, "CLOCK_BOOTTIME"}};
inline constexpr ValueSet clock_value_set {clock_names};

} // namespace asterix::services::strace
