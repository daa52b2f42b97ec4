#pragma once

#include "services/process/process.h"

namespace asterix::services {

// clone(2) flags.
inline constexpr u64 clone_vm = 0x100;
inline constexpr u64 clone_fs = 0x200;
inline constexpr u64 clone_files = 0x400;
inline constexpr u64 clone_sighand = 0x800;
inline constexpr u64 clone_pidfd = 0x1000;
inline constexpr u64 clone_ptrace = 0x2000;
inline constexpr u64 clone_vfork = 0x4000;
inline constexpr u64 clone_parent = 0x8000;
inline constexpr u64 clone_thread = 0x10000;
inline constexpr u64 clone_newns = 0x20000;
inline constexpr u64 clone_sysvsem = 0x40000;
inline constexpr u64 clone_settls = 0x80000;
inline constexpr u64 clone_parent_settid = 0x100000;
inline constexpr u64 clone_child_cleartid = 0x200000;
inline constexpr u64 clone_detached = 0x400000;
inline constexpr u64 clone_untraced = 0x800000;
inline constexpr u64 clone_child_settid = 0x01000000;
inline constexpr u64 clone_io = 0x80000000ull;

/// What clone, clone3, fork and vfork ask for.
struct CloneRequest {
    u64 flags {0};
    int exit_signal {0};
    u64 stack {0}; ///< new stack pointer, 0 to keep the parent's
    u64 tls {0};
    u64 parent_tid {0};
    u64 child_tid {0};
};

/// Creates a thread or a process as clone(2) describes; returns the new tid in the parent.
Result<i32> clone_thread_or_process(Thread& parent, const CloneRequest& request);

} // namespace asterix::services
