#include "services/process/clone.h"

#include "services/fs/pid_file.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {

constexpr u64 supported_flags = clone_vm | clone_fs | clone_files | clone_sighand | clone_pidfd | clone_ptrace
    | clone_vfork | clone_parent | clone_thread | clone_sysvsem | clone_settls | clone_parent_settid
    | clone_child_cleartid | clone_detached | clone_untraced | clone_child_settid | clone_io | abi::csignal;

/// The flag rules of copy_process().
Result<void> check_flags(u64 flags)
{
    if ((flags & clone_thread) && !(flags & clone_sighand))
        return Errno::einval;
    if ((flags & clone_sighand) && !(flags & clone_vm))
        return Errno::einval;
    if ((flags & (clone_newns | clone_fs)) == (clone_newns | clone_fs))
        return Errno::einval;
    if (flags & ~supported_flags)
        return Errno::einval; // FIXME: namespaces are not supported
    if ((flags & clone_pidfd) && (flags & (clone_detached | clone_thread)))
        return Errno::einval;
    return {};
}

/// The child's registers: the parent's, returning 0, on its own stack and TLS if given.
void init_child_context(Thread& parent, Thread& child, const CloneRequest& request)
{
    child.context.copy_from(parent.process().vm(), parent.context);
    auto& regs = child.context.regs;
    regs.rax = 0;
    if (request.stack)
        regs.rsp = request.stack;
    if (request.flags & clone_settls)
        regs.fs_base = request.tls;
    child.sig_mask = parent.sig_mask;
    child.alt_stack = (request.flags & clone_vm) && !(request.flags & clone_vfork) ? abi::StackT {0, 2, 0, 0} : parent.alt_stack;
    child.rseq_area = 0;
    child.has_no_new_privs = parent.has_no_new_privs;
}

/// CLONE_PIDFD: a close-on-exec pidfd for the child in the parent's table, its number stored
/// at `where`; nothing stays installed when the store faults.
Result<void> install_pidfd(Process& parent, const Ref<Process>& child, u64 where)
{
    auto file = make_ref<PidFile>(child, o_rdwr);
    int fd = TRY(parent.files->install(file, true, 0, parent.rlimits[rlimit_nofile].cur));
    if (auto stored = parent.vm().write(UserPtr<i32>(where), i32 {fd}); stored.is_error()) {
        static_cast<void>(parent.files->close(fd));
        return stored.error();
    }
    return {};
}

} // namespace

Result<i32> clone_thread_or_process(Thread& parent_thread, const CloneRequest& request)
{
    TRY(check_flags(request.flags));
    // clone() returns the pidfd through parent_tid: both cannot be asked of one place.
    if ((request.flags & clone_pidfd) && (request.flags & clone_parent_settid) && request.pidfd == request.parent_tid)
        return Errno::einval;
    Process& parent = parent_thread.process();
    u64 flags = request.flags;

    // RLIMIT_NPROC counts threads and processes: a fork (or thread) bomb stops with EAGAIN.
    if (ProcessTable::count_for_user(parent_thread.credentials().uid) >= parent.rlimits[rlimit_nproc].cur)
        return Errno::eagain;
    // kernel.threads-max and the instance's bound on processes (address spaces).
    TRY(ProcessTable::check_room_for(!(flags & clone_thread)));
    // Every thread is a kernel task with a stack of its own; without memory for one, EAGAIN.
    if (!frame::can_spawn_task())
        return Errno::eagain;
    i32 tid = TRY(ProcessTable::allocate_id());

    if (flags & clone_thread) {
        auto thread = std::make_unique<Thread>(tid, Ref<Process>(&parent), parent_thread.credentials_ref());
        Thread& child = *thread;
        init_child_context(parent_thread, child, request);
        if (flags & clone_child_cleartid)
            child.clear_child_tid = request.child_tid;
        if (flags & clone_child_settid)
            TRY(parent.vm().write(UserPtr<i32>(request.child_tid), tid));
        if (flags & clone_parent_settid)
            TRY(parent.vm().write(UserPtr<i32>(request.parent_tid), tid));
        parent.threads.push_back(std::move(thread));
        start_thread(child);
        return tid;
    }

    Process* new_parent = (flags & clone_parent) ? parent.parent() : &parent;
    if (!new_parent)
        new_parent = &parent;
    auto process = make_ref<Process>(tid, new_parent);
    process->memory = (flags & clone_vm) ? parent.memory : TRY(parent.memory->fork());
    process->files = (flags & clone_files) ? parent.files : TRY(parent.files->clone());
    if (flags & clone_fs) {
        process->fs = parent.fs;
    } else {
        process->fs = make_ref<FsContext>();
        process->fs->root = parent.fs->root;
        process->fs->cwd = parent.fs->cwd;
        process->fs->umask = parent.fs->umask;
    }
    if (flags & clone_sighand) {
        process->sighand = parent.sighand;
    } else {
        process->sighand = make_ref<SignalHandlers>();
        process->sighand->actions = parent.sighand->actions;
    }
    process->comm = parent.comm;
    process->exe_path = parent.exe_path;
    process->is_dumpable = parent.is_dumpable;
    TRY(process->args_charge.grow(string_list_bytes(parent.argv) + string_list_bytes(parent.envp)));
    process->argv = parent.argv;
    process->envp = parent.envp;
    process->pgid = parent.pgid;
    process->sid = parent.sid;
    process->rlimits = parent.rlimits;
    process->nice = parent.nice;
    process->exit_signal = request.exit_signal;
    process->start_time_ns = ProcessTable::uptime_ns();
    process->is_vfork_child = flags & clone_vfork;

    auto thread = std::make_unique<Thread>(tid, process, parent_thread.credentials_ref());
    Thread& child = *thread;
    init_child_context(parent_thread, child, request);
    if (flags & clone_child_cleartid)
        child.clear_child_tid = request.child_tid;
    if (flags & clone_child_settid)
        TRY(process->vm().write(UserPtr<i32>(request.child_tid), tid));
    if (flags & clone_parent_settid)
        TRY(parent.vm().write(UserPtr<i32>(request.parent_tid), tid));
    if (flags & clone_pidfd)
        TRY(install_pidfd(parent, process, request.pidfd));
    process->threads.push_back(std::move(thread));
    new_parent->children.push_back(process);
    ProcessTable::add(*process);
    start_thread(child);

    if (flags & clone_vfork) {
        // The parent sleeps until the child execs or exits (it borrows the parent's memory).
        while (process->is_vfork_child && !process->has_exited)
            process->vfork_done.wait_until(~0ull, frame::Interruptible::no);
    }
    return tid;
}

} // namespace asterix::services
