// fcntl's record locks: F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW.

#include "services/syscalls/fcntl_lock.h"

#include "services/fs/record_lock.h"

namespace asterix::services {

namespace {

/// Linux's flock64_to_posix_lock: the range a struct flock names, from its whence, start and
/// length (a negative length locks the bytes before start). EINVAL for a range that starts
/// before 0, EOVERFLOW for one past the largest offset.
Result<RecordLock> to_record_lock(File& file, const abi::Flock& lock)
{
    i64 base = 0;
    switch (lock.whence) {
    case abi::seek_set:
        break;
    case abi::seek_cur: {
        // Files without a position (pipes) count from 0, as their f_pos does.
        auto position = file.seek(0, Whence::cur);
        base = position.is_error() ? 0 : position.value();
        break;
    }
    case abi::seek_end: {
        frame::FileStat st = TRY(file.stat());
        base = st.size;
        break;
    }
    default:
        return Errno::einval;
    }
    RecordLock request;
    if (lock.start > lock_offset_max - base)
        return Errno::eoverflow;
    i64 start = base + lock.start;
    if (start < 0)
        return Errno::einval;
    if (lock.len > 0) {
        if (lock.len - 1 > lock_offset_max - start)
            return Errno::eoverflow;
        request.end = start + lock.len - 1;
    } else if (lock.len < 0) {
        if (start + lock.len < 0)
            return Errno::einval;
        request.end = start - 1;
        start += lock.len;
    } else {
        request.end = lock_offset_max;
    }
    request.start = start;
    switch (lock.type) {
    case abi::f_rdlck:
        request.type = RecordLock::Type::read;
        break;
    case abi::f_wrlck:
        request.type = RecordLock::Type::write;
        break;
    case abi::f_unlck:
        request.type = RecordLock::Type::unlock;
        break;
    default:
        return Errno::einval;
    }
    return request;
}

} // namespace

Result<long> fcntl_lock(Context& ctx, File& file, int cmd, u64 arg)
{
    // fcntl accepts O_PATH descriptors, but not for locks (Linux's check_fcntl_cmd).
    if (file.is_path_only())
        return Errno::ebadf;
    UserPtr<abi::Flock> where(arg);
    abi::Flock lock = TRY(ctx.user().read(where));
    bool is_ofd = cmd == abi::f_ofd_getlk || cmd == abi::f_ofd_setlk || cmd == abi::f_ofd_setlkw;
    bool is_test = cmd == abi::f_getlk || cmd == abi::f_ofd_getlk;
    // The checks come in Linux's order (fcntl_getlk, fcntl_setlk), which decides the errno
    // when a request is wrong in several ways.
    if (is_test && lock.type != abi::f_rdlck && lock.type != abi::f_wrlck)
        return Errno::einval;
    RecordLock request = TRY(to_record_lock(file, lock));
    request.is_ofd = is_ofd;
    request.owner = is_ofd ? static_cast<const void*>(&file) : static_cast<const void*>(&ctx.files());
    request.pid = ctx.process().pid();
    // OFD locks have no process: fcntl(2) wants l_pid 0 on the way in.
    if (is_test && is_ofd && lock.pid != 0)
        return Errno::einval;
    if (is_test) {
        auto held = find_conflicting_lock(file, request);
        if (!held) {
            lock.type = abi::f_unlck;
        } else {
            lock.type = held->type == RecordLock::Type::write ? abi::f_wrlck : abi::f_rdlck;
            lock.whence = abi::seek_set;
            lock.start = held->start;
            lock.len = held->end == lock_offset_max ? 0 : held->end - held->start + 1;
            lock.pid = held->is_ofd ? -1 : held->pid;
        }
        TRY(ctx.user().write(where, lock));
        return 0;
    }
    // A lock needs the access it guards: read locks a readable file, write locks a writable one.
    if ((request.type == RecordLock::Type::read && !file.is_readable())
        || (request.type == RecordLock::Type::write && !file.is_writable()))
        return Errno::ebadf;
    if (is_ofd && lock.pid != 0)
        return Errno::einval;
    bool is_waiting = cmd == abi::f_setlkw || cmd == abi::f_ofd_setlkw;
    TRY(set_record_lock(file, request, is_waiting ? LockWait::block : LockWait::nonblocking));
    return 0;
}

} // namespace asterix::services
