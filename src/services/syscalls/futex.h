#pragma once

#include "services/process/process.h"
#include "services/syscalls/futex_waiters.h"

namespace asterix::services {

/// Wakes up to `count` waiters of the futex at `addr` in the process's memory (FUTEX_WAKE
/// without the private flag, as the kernel itself wakes on thread exit).
u32 futex_wake(Process& process, u64 addr, u32 count);

// Shared by the futex files (futex.cpp, futex_pi.cpp, futex_waitv.cpp).

/// Every thread waiting on a futex.
FutexWaiters& futex_waiters();
/// Linux's futex key for the word at `addr` (4-byte aligned: EINVAL otherwise).
Result<FutexKey> futex_key(Process& process, u64 addr, bool is_private);

/// How a futex timeout is read: relative (FUTEX_WAIT), or an absolute time on a clock.
enum class FutexTimeout : u8 { relative, absolute_monotonic, absolute_realtime };
/// Reads the timespec at `addr` (0: none) and turns it into a monotonic deadline (~0: none).
/// EFAULT for a bad pointer, EINVAL for a malformed time.
Result<u64> futex_deadline(frame::VmSpace& vm, u64 addr, FutexTimeout kind);

/// The priority-inheritance operations (futex_pi.cpp). `cmd` is the op without its flags.
Result<long> futex_lock_pi(Process& process, Thread& thread, UserPtr<u32> uaddr, const FutexKey& key, u64 deadline_ns, bool is_trylock);
Result<long> futex_unlock_pi(Process& process, Thread& thread, UserPtr<u32> uaddr, const FutexKey& key);
Result<long> futex_wait_requeue_pi(Process& process, Thread& thread, UserPtr<u32> uaddr, const FutexKey& key, u32 val,
    u64 deadline_ns, UserPtr<u32> uaddr2, bool is_private);
Result<long> futex_cmp_requeue_pi(Process& process, UserPtr<u32> uaddr, const FutexKey& key, u32 nr_wake, u32 nr_requeue,
    UserPtr<u32> uaddr2, u32 val3, bool is_private);

} // namespace asterix::services
