#pragma once

#include <optional>
#include <string>

#include "frame/result.h"
#include "services/fs/file.h"

namespace asterix::services {

/// The largest offset a lock may reach: a lock "to EOF" ends here (Linux's OFFSET_MAX).
inline constexpr i64 lock_offset_max = 0x7fffffffffffffff;

/// One byte-range lock of fcntl(2) on a file's inode. A POSIX lock (F_SETLK) is owned by the
/// descriptor table of the process that took it; an open-file-description lock (F_OFD_SETLK)
/// by the open file description. Locks of different owners conflict when their ranges overlap
/// and one of them is a write lock.
struct RecordLock {
    enum class Type : u8 { read, write, unlock };
    const void* owner {nullptr};
    bool is_ofd {false};
    Type type {Type::unlock};
    /// The first and last byte locked (inclusive); `end` is lock_offset_max for "to EOF".
    i64 start {0};
    i64 end {lock_offset_max};
    /// The process that took it (-1 for an OFD lock in F_GETLK and /proc/locks).
    i32 pid {0};
};

enum class LockWait : u8 { block, nonblocking };

/// F_GETLK: the first lock of another owner that would keep `request` from being taken.
std::optional<RecordLock> find_conflicting_lock(File& file, const RecordLock& request);

/// F_SETLK/F_SETLKW: takes, changes or (Type::unlock) drops the owner's locks over the range,
/// splitting and merging its ranges as Linux does. A conflict fails EAGAIN without waiting;
/// a wait that would close a cycle of POSIX owners fails EDEADLK; a signal ends it with
/// ERESTARTSYS.
Result<void> set_record_lock(File& file, const RecordLock& request, LockWait wait);

/// Drops every lock `owner` holds on the file's inode: a process closing any descriptor of a
/// file loses its POSIX locks on it (fcntl(2), "the lock is released when ... closes any file
/// descriptor referring to that file").
void release_record_locks(File& file, const void* owner);

/// /proc/locks: the record locks and flock(2) locks held now, one line each.
std::string proc_locks_text();

} // namespace asterix::services
