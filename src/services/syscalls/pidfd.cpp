// pidfd_open, pidfd_getfd (pidfd_send_signal is with the other signal senders in signal.cpp).

#include "services/abi/pidfd.h"
#include "services/fs/pid_file.h"
#include "services/process/process_table.h"
#include "services/process/ptrace_access.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_pidfd_open(Context& ctx, i32 pid, u32 flags)
{
    if (flags & ~(abi::pidfd_nonblock | abi::pidfd_thread))
        return Errno::einval;
    if (pid <= 0)
        return Errno::einval;
    Process* process = ProcessTable::find(pid);
    bool is_thread = flags & abi::pidfd_thread;
    if (!process) {
        // A thread's tid names a task, but not a thread group: ENOENT, as Linux 6.9 and later
        // answer without PIDFD_THREAD (earlier ones said EINVAL). With it, that thread.
        Thread* thread = ProcessTable::find_thread(pid);
        if (!thread)
            return Errno::esrch;
        if (!is_thread)
            return Errno::enoent;
        process = &thread->process();
    }
    // A pidfd is always close-on-exec (pidfd_open(2)); PIDFD_THREAD stays in its status flags.
    auto file = make_ref<PidFile>(Ref<Process>(process), o_rdwr | (flags & (abi::pidfd_nonblock | abi::pidfd_thread)),
        is_thread ? pid : 0);
    return TRY(ctx.files().install(file, true, 0, ctx.process().rlimit(rlimit_nofile).cur));
}

Result<long> sys_pidfd_getfd(Context& ctx, int pidfd, int target_fd, u32 flags)
{
    if (flags != 0)
        return Errno::einval;
    auto file = TRY(ctx.files().get(pidfd));
    PidFile* pid_file = file->as_pidfd();
    if (!pid_file)
        return Errno::ebadf;
    Process& target = pid_file->process();
    // Linux's pidfd_getfd: ESRCH once the process has exited (a zombie's files are gone);
    // the target's files only under PTRACE_MODE_ATTACH_REALCREDS, else EPERM.
    if (target.has_exited() || !target.files() || pid_file->is_gone())
        return Errno::esrch;
    if (ptrace_may_access(ctx.thread().credentials(), &ctx.process(), target, PtraceCreds::real).is_error())
        return Errno::eperm;
    auto taken = TRY(target.files()->get(target_fd));
    return TRY(ctx.files().install(taken, true, 0, ctx.process().rlimit(rlimit_nofile).cur));
}

} // namespace asterix::services
