#include "services/process/clone.h"

#include <algorithm>

#include "services/abi/pidfd.h"
#include "services/abi/ptrace.h"
#include "services/abi/sched.h"
#include "services/fs/pid_file.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {

constexpr u64 supported_flags = clone_vm | clone_fs | clone_files | clone_sighand | clone_pidfd | clone_ptrace
    | clone_vfork | clone_parent | clone_thread | clone_sysvsem | clone_settls | clone_parent_settid
    | clone_child_cleartid | clone_detached | clone_untraced | clone_child_settid | clone_io | abi::csignal | abi::clone_clear_sighand;

constexpr u64 namespace_flags = clone_newns | abi::clone_newcgroup | abi::clone_newuts | abi::clone_newipc
    | abi::clone_newuser | abi::clone_newpid | abi::clone_newnet;

/// The flag rules of copy_process().
Result<void> check_flags(Thread& parent, u64 flags)
{
    if ((flags & (clone_newns | clone_fs)) == (clone_newns | clone_fs))
        return Errno::einval;
    if ((flags & (abi::clone_newuser | clone_fs)) == (abi::clone_newuser | clone_fs))
        return Errno::einval;
    if ((flags & clone_thread) && !(flags & clone_sighand))
        return Errno::einval;
    if ((flags & clone_sighand) && !(flags & clone_vm))
        return Errno::einval;
    // Init's children cannot be made siblings of init: nobody would reap them.
    if ((flags & clone_parent) && parent.process().is_unkillable())
        return Errno::einval;
    if ((flags & clone_thread) && (flags & (abi::clone_newuser | abi::clone_newpid)))
        return Errno::einval;
    // Namespaces do not exist yet: Linux's answers for a kernel built without them. A user
    // namespace needs no privilege, so it is EINVAL for anyone; the others need CAP_SYS_ADMIN
    // first (EPERM), and only a caller who has it learns that they are missing (EINVAL).
    if (flags & abi::clone_newuser)
        return Errno::einval;
    if (flags & namespace_flags) {
        if (!parent.credentials().has_capability(abi::Capability::sys_admin))
            return Errno::eperm;
        return Errno::einval; // FIXME: namespaces are not supported
    }
    if (flags & ~supported_flags)
        return Errno::einval;
    // CLONE_PIDFD|CLONE_THREAD gives a thread pidfd (Linux 6.9 and later).
    if ((flags & clone_pidfd) && (flags & clone_detached))
        return Errno::einval;
    return {};
}

/// The child's registers: the parent's, returning 0, on its own stack and TLS if given.
void init_child_context(Thread& parent, Thread& child, const CloneRequest& request)
{
    child.context().copy_from(parent.process().vm(), parent.context());
    auto& regs = child.context().regs;
    regs.rax = 0;
    if (request.stack)
        regs.rsp = request.stack;
    if (request.flags & clone_settls)
        regs.fs_base = request.tls;
    child.set_sig_mask(parent.sig_mask());
    child.set_alt_stack((request.flags & clone_vm) && !(request.flags & clone_vfork) ? abi::StackT {0, 2, 0, 0} : parent.alt_stack());
    child.unregister_rseq();
    if (parent.has_no_new_privs())
        child.set_no_new_privs();
}

/// CLONE_PIDFD: a close-on-exec pidfd for the child in the parent's table, its number stored
/// at `where`; nothing stays installed when the store faults. A new thread (`thread_id`) gets
/// a thread pidfd.
Result<void> install_pidfd(Process& parent, const Ref<Process>& child, u64 where, i32 thread_id = 0)
{
    auto file = make_ref<PidFile>(child, o_rdwr | (thread_id ? abi::pidfd_thread : 0), thread_id);
    int fd = TRY(parent.files()->install(file, true, 0, parent.rlimit(rlimit_nofile).cur));
    if (auto stored = parent.vm().write(UserPtr<i32>(where), i32 {fd}); stored.is_error()) {
        static_cast<void>(parent.files()->close(fd));
        return stored.error();
    }
    return {};
}

} // namespace

Result<Ref<Process>> Process::create_forked(i32 pid, Process& parent, Process* new_parent, u64 flags, int exit_signal,
    std::span<const u64> hot_addrs)
{
    auto process = make_ref<Process>(Key {}, pid, new_parent);
    process->m_memory = (flags & clone_vm) ? parent.m_memory : TRY(parent.m_memory->fork(hot_addrs));
    process->m_files = (flags & clone_files) ? parent.m_files : TRY(parent.m_files->clone());
    if (flags & clone_fs) {
        process->m_fs = parent.m_fs;
    } else {
        process->m_fs = make_ref<FsContext>();
        process->m_fs->root = parent.m_fs->root;
        process->m_fs->cwd = parent.m_fs->cwd;
        process->m_fs->umask = parent.m_fs->umask;
    }
    if (flags & clone_sighand) {
        process->m_sighand = parent.m_sighand;
    } else {
        process->m_sighand = make_ref<SignalHandlers>();
        process->m_sighand->actions = parent.m_sighand->actions;
        // CLONE_CLEAR_SIGHAND (clone3): handled signals go back to their default.
        if (flags & abi::clone_clear_sighand) {
            for (auto& action : process->m_sighand->actions) {
                if (action.handler != abi::sig_ign)
                    action = {};
            }
        }
    }
    const Program& program = parent.m_program;
    TRY(process->m_program.args_charge.grow(string_list_bytes(program.argv) + string_list_bytes(program.envp)));
    process->m_program.comm = program.comm;
    process->m_program.exe_path = program.exe_path;
    process->m_program.argv = program.argv;
    process->m_program.envp = program.envp;
    process->m_is_dumpable = parent.m_is_dumpable;
    process->m_saved_auxv = parent.m_saved_auxv;
    process->m_pgid = parent.m_pgid;
    process->m_sid = parent.m_sid;
    process->m_rlimits = parent.m_rlimits;
    process->m_personality = parent.m_personality;
    process->m_timer_slack_ns = parent.m_timer_slack_ns;
    process->m_memory_policy = parent.m_memory_policy;
    process->m_exit_signal = exit_signal;
    process->m_start_time_ns = ProcessTable::uptime_ns();
    process->m_is_vfork_child = flags & clone_vfork;
    return process;
}

Result<i32> clone_thread_or_process(Thread& parent_thread, const CloneRequest& request)
{
    TRY(check_flags(parent_thread, request.flags));
    // clone() returns the pidfd through parent_tid: both cannot be asked of one place.
    if ((request.flags & clone_pidfd) && (request.flags & clone_parent_settid) && request.pidfd == request.parent_tid)
        return Errno::einval;
    Process& parent = parent_thread.process();
    u64 flags = request.flags;

    // RLIMIT_NPROC counts threads and processes: a fork (or thread) bomb stops with EAGAIN.
    if (ProcessTable::count_for_user(parent_thread.credentials().uid) >= parent.rlimit(rlimit_nproc).cur)
        return Errno::eagain;
    // kernel.threads-max and the instance's bound on processes (address spaces).
    TRY(ProcessTable::check_room_for(!(flags & clone_thread)));
    // Every thread is a kernel task with a stack of its own; without memory for one, EAGAIN.
    if (!frame::can_spawn_task())
        return Errno::eagain;
    i32 tid = TRY(request.chosen_tid ? ProcessTable::claim_id(request.chosen_tid) : ProcessTable::allocate_id());

    if (flags & clone_thread) {
        // The tid writes come first: a thread is added only once nothing can fail.
        if (flags & clone_child_settid)
            TRY(parent.vm().write(UserPtr<i32>(request.child_tid), tid));
        if (flags & clone_parent_settid)
            TRY(parent.vm().write(UserPtr<i32>(request.parent_tid), tid));
        if (flags & clone_pidfd)
            TRY(install_pidfd(parent, Ref<Process>(&parent), request.pidfd, tid));
        Thread& child = parent.add_thread(tid, parent_thread.credentials_ref());
        child.inherit_scheduling(parent_thread);
        init_child_context(parent_thread, child, request);
        if (flags & clone_child_cleartid)
            child.set_clear_child_tid(request.child_tid);
        ptrace_clone_child(parent_thread, child, flags, request.exit_signal);
        start_thread(child);
        ptrace_clone_event(parent_thread, tid, flags, request.exit_signal);
        return tid;
    }

    Process* new_parent = (flags & clone_parent) ? parent.parent() : &parent;
    if (!new_parent)
        new_parent = &parent;
    // What the child touches first: where it returns to, its stack and its TLS (the parent's,
    // or the ones the request gives it); the parent, back from the call, touches the same.
    const auto& regs = parent_thread.context().regs;
    u64 child_sp = request.stack ? request.stack : regs.rsp;
    u64 child_tls = (flags & clone_settls) ? request.tls : regs.fs_base;
    const u64 hot_addrs[] = {regs.rip, regs.rsp, regs.rsp - page_size / 2, child_sp, child_tls};
    auto process = TRY(Process::create_forked(tid, parent, new_parent, flags, request.exit_signal, hot_addrs));
    // As for a thread, the tid writes come before the thread that would keep the process alive.
    if (flags & clone_child_settid)
        TRY(process->vm().write(UserPtr<i32>(request.child_tid), tid));
    if (flags & clone_parent_settid)
        TRY(parent.vm().write(UserPtr<i32>(request.parent_tid), tid));
    if (flags & clone_pidfd)
        TRY(install_pidfd(parent, process, request.pidfd));
    Thread& child = process->add_thread(tid, parent_thread.credentials_ref());
    child.inherit_scheduling(parent_thread);
    init_child_context(parent_thread, child, request);
    if (flags & clone_child_cleartid)
        child.set_clear_child_tid(request.child_tid);
    new_parent->add_child(process);
    ProcessTable::add(*process);
    ptrace_clone_child(parent_thread, child, flags, request.exit_signal);
    start_thread(child);
    ptrace_clone_event(parent_thread, tid, flags, request.exit_signal);

    if (flags & clone_vfork) {
        // The parent sleeps until the child execs or exits (it borrows the parent's memory).
        while (process->is_vfork_child() && !process->has_exited())
            process->vfork_done().wait_until(~0ull, frame::Interruptible::no);
        if (!(flags & clone_untraced))
            ptrace_event(parent_thread, abi::ptrace_event_vfork_done, static_cast<u64>(tid));
    }
    return tid;
}

} // namespace asterix::services
