// process_vm_readv, process_vm_writev: copies between the caller's memory and another
// process's, for a caller that may ptrace-attach to it (real credentials).

#include <algorithm>
#include <vector>

#include "services/process/process_table.h"
#include "services/process/ptrace_access.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/iovec.h"

namespace asterix::services {

namespace {
enum class Direction : u8 { read_remote, write_remote };

/// One side's segments, consumed front to back.
struct Cursor {
    const std::vector<abi::IoVec>& segments;
    usize index {0};
    u64 offset {0};

    bool is_done()
    {
        while (index < segments.size() && offset == segments[index].len) {
            ++index;
            offset = 0;
        }
        return index == segments.size();
    }
    u64 address() const { return segments[index].base + offset; }
    u64 left() const { return segments[index].len - offset; }
};

Result<long> transfer(Context& ctx, i32 pid, UserPtr<abi::IoVec> local_iov, u64 local_count, UserPtr<abi::IoVec> remote_iov,
    u64 remote_count, u64 flags, Direction direction)
{
    // Linux's process_vm_rw: flags, both iovec arrays, nothing to do, then the target.
    if (flags != 0)
        return Errno::einval;
    if (local_count > iov_max || remote_count > iov_max)
        return Errno::einval;
    auto local = TRY(read_iovecs(ctx, local_iov, static_cast<int>(local_count)));
    auto remote = TRY(read_iovecs(ctx, remote_iov, static_cast<int>(remote_count)));
    u64 remote_total = 0;
    for (const auto& segment : remote)
        remote_total += segment.len;
    if (remote_total == 0)
        return 0;
    Thread* thread = ProcessTable::find_thread(pid);
    if (!thread)
        return Errno::esrch;
    Process& target = thread->process();
    TRY(ptrace_may_access(ctx.thread().credentials(), &ctx.process(), target, PtraceCreds::real));
    if (!target.memory())
        return Errno::esrch;
    frame::VmSpace& remote_vm = target.memory()->vm();

    // A fault on either side ends the copy: what was copied counts, and nothing copied is EFAULT.
    Cursor here {local};
    Cursor there {remote};
    std::vector<u8> buffer;
    u64 copied = 0;
    while (!here.is_done() && !there.is_done()) {
        u64 chunk = std::min({here.left(), there.left(), u64 {64 * 1024}});
        buffer.resize(chunk);
        Result<void> moved = direction == Direction::read_remote ? remote_vm.read_bytes(there.address(), buffer)
                                                                   : ctx.user().read_bytes(here.address(), buffer);
        if (!moved.is_error())
            moved = direction == Direction::read_remote ? ctx.user().write_bytes(here.address(), buffer)
                                                        : remote_vm.write_bytes(there.address(), buffer);
        if (moved.is_error())
            return copied > 0 ? static_cast<long>(copied) : Result<long>(Errno::efault);
        here.offset += chunk;
        there.offset += chunk;
        copied += chunk;
    }
    return static_cast<long>(copied);
}
} // namespace

Result<long> sys_process_vm_readv(Context& ctx, i32 pid, UserPtr<abi::IoVec> local_iov, u64 liovcnt,
    UserPtr<abi::IoVec> remote_iov, u64 riovcnt, u64 flags)
{
    return transfer(ctx, pid, local_iov, liovcnt, remote_iov, riovcnt, flags, Direction::read_remote);
}

Result<long> sys_process_vm_writev(Context& ctx, i32 pid, UserPtr<abi::IoVec> local_iov, u64 liovcnt,
    UserPtr<abi::IoVec> remote_iov, u64 riovcnt, u64 flags)
{
    return transfer(ctx, pid, local_iov, liovcnt, remote_iov, riovcnt, flags, Direction::write_remote);
}

} // namespace asterix::services
