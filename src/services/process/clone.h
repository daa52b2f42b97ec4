#pragma once

#include "services/abi/sched.h"
#include "services/process/process.h"

namespace asterix::services {

// clone(2) flags, from services/abi/sched.h.
using abi::clone_vm, abi::clone_fs, abi::clone_files, abi::clone_sighand, abi::clone_pidfd,
    abi::clone_ptrace, abi::clone_vfork, abi::clone_parent, abi::clone_thread, abi::clone_newns,
    abi::clone_sysvsem, abi::clone_settls, abi::clone_parent_settid, abi::clone_child_cleartid,
    abi::clone_detached, abi::clone_untraced, abi::clone_child_settid, abi::clone_io;

/// What clone, clone3, fork and vfork ask for.
struct CloneRequest {
    u64 flags {0};
    int exit_signal {0};
    u64 stack {0}; ///< new stack pointer, 0 to keep the parent's
    u64 tls {0};
    u64 parent_tid {0};
    u64 child_tid {0};
    /// Where CLONE_PIDFD stores the new process's pidfd (clone's parent_tid, clone3's pidfd).
    u64 pidfd {0};
    /// clone3's set_tid: the id the new thread must get (0: the next free one). The caller
    /// has checked the privilege; a taken id is EEXIST.
    i32 chosen_tid {0};
};

/// Creates a thread or a process as clone(2) describes; returns the new tid in the parent.
Result<i32> clone_thread_or_process(Thread& parent, const CloneRequest& request);

} // namespace asterix::services
