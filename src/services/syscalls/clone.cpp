// clone, clone3, fork, vfork

#include <vector>

#include "frame/bytes.h"
#include "services/abi/sched.h"
#include "services/process/clone.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_clone(Context& ctx, u64 flags, u64 stack, UserPtr<i32> parent_tid, UserPtr<i32> child_tid, u64 tls)
{
    CloneRequest request;
    request.flags = flags & ~abi::csignal;
    request.exit_signal = static_cast<int>(flags & abi::csignal);
    if (request.exit_signal > signal_count)
        return Errno::einval;
    request.stack = stack;
    request.tls = tls;
    request.parent_tid = parent_tid.addr();
    request.child_tid = child_tid.addr();
    request.pidfd = parent_tid.addr();
    return TRY(clone_thread_or_process(ctx.thread(), request));
}

Result<long> sys_clone3(Context& ctx, UserPtr<u8> args_ptr, u64 size)
{
    // Linux's copy_clone_args_from_user and clone3_args_valid, in their order.
    if (size > page_size)
        return Errno::e2big;
    if (size < abi::clone_args_size_ver0)
        return Errno::einval;
    abi::CloneArgs args {};
    std::vector<u8> raw(size);
    TRY(ctx.user().read_bytes(args_ptr.addr(), raw));
    for (u64 at = sizeof(abi::CloneArgs); at < size; ++at) {
        if (raw[at])
            return Errno::e2big;
    }
    auto bytes = object_bytes(args);
    std::copy(raw.begin(), raw.begin() + std::min<u64>(size, sizeof(abi::CloneArgs)), bytes.begin());
    if (args.set_tid_size > abi::max_pid_ns_level || (!args.set_tid && args.set_tid_size)
        || (args.set_tid && !args.set_tid_size))
        return Errno::einval;
    if ((args.exit_signal & ~abi::csignal) || args.exit_signal > signal_count)
        return Errno::einval;
    if ((args.flags & abi::clone_into_cgroup) && args.cgroup > 0x7fffffff)
        return Errno::einval;
    if (args.flags & ~(0xffffffffull | abi::clone_clear_sighand | abi::clone_into_cgroup))
        return Errno::einval;
    if (args.flags & abi::csignal)
        return Errno::einval;
    if ((args.flags & (clone_thread | clone_parent)) && args.exit_signal)
        return Errno::einval;
    if ((args.flags & (abi::clone_clear_sighand | clone_sighand)) == (abi::clone_clear_sighand | clone_sighand))
        return Errno::einval;
    if ((args.stack == 0) != (args.stack_size == 0))
        return Errno::einval;
    if (args.flags & abi::clone_into_cgroup)
        return Errno::ebadf; // FIXME: there are no cgroups, so no descriptor names one
    CloneRequest request;
    if (args.set_tid) {
        // Choosing the child's pid is for checkpoint/restore (Linux's alloc_pid): the whole
        // array is read first (EFAULT); there is one pid namespace, so one entry at most;
        // the id must be a valid pid, and the caller privileged; a taken one is EEXIST.
        std::vector<u8> ids(args.set_tid_size * sizeof(i32));
        TRY(ctx.user().read_bytes(args.set_tid, ids));
        if (args.set_tid_size > 1)
            return Errno::einval;
        i32 tid = TRY(ctx.user().read(UserPtr<i32>(args.set_tid)));
        if (!ProcessTable::is_valid_id(tid))
            return Errno::einval;
        const Credentials& creds = ctx.thread().credentials();
        if (!creds.has_capability(abi::Capability::checkpoint_restore) && !creds.has_capability(abi::Capability::sys_admin))
            return Errno::eperm;
        request.chosen_tid = tid;
    }
    request.flags = args.flags;
    request.exit_signal = static_cast<int>(args.exit_signal);
    request.stack = args.stack ? args.stack + args.stack_size : 0;
    request.tls = args.tls;
    request.parent_tid = args.parent_tid;
    request.child_tid = args.child_tid;
    request.pidfd = args.pidfd;
    return TRY(clone_thread_or_process(ctx.thread(), request));
}

Result<long> sys_fork(Context& ctx)
{
    CloneRequest request;
    request.exit_signal = sigchld;
    return TRY(clone_thread_or_process(ctx.thread(), request));
}

Result<long> sys_vfork(Context& ctx)
{
    CloneRequest request;
    request.flags = clone_vm | clone_vfork;
    request.exit_signal = sigchld;
    return TRY(clone_thread_or_process(ctx.thread(), request));
}

} // namespace asterix::services
