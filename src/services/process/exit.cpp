// How threads and processes end: zombies, reparenting, SIGCHLD, and reaping.

#include <algorithm>

#include "frame/boot.h"
#include "services/fs/pid_file.h"
#include "services/ipc/sem.h"
#include "services/abi/futex.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/futex.h"
#include "services/syscalls/strace.h"
#include "services/syscalls/syscall_table.h"
#include "services/tty/job_control.h"

namespace asterix::services {

namespace {


/// Marks the robust futexes the thread still holds as owner-died and wakes a waiter of each
/// (get_robust_list(2), the kernel's exit_robust_list).
void release_robust_futexes(Thread& thread)
{
    if (!thread.robust_list().head)
        return;
    auto& vm = thread.process().vm();
    struct Head {
        u64 next;
        i64 futex_offset;
        u64 pending;
    };
    auto head = vm.read(UserPtr<Head>(thread.robust_list().head));
    if (head.is_error())
        return;
    auto release = [&](u64 entry) {
        u64 word_addr = entry + static_cast<u64>(head.value().futex_offset);
        auto word = vm.read(UserPtr<u32>(word_addr));
        if (word.is_error() || (word.value() & abi::futex_tid_mask) != static_cast<u32>(thread.tid()))
            return;
        u32 updated = (word.value() & abi::futex_waiters) | abi::futex_owner_died;
        if (vm.write(UserPtr<u32>(word_addr), updated).is_error())
            return;
        if (word.value() & abi::futex_waiters)
            futex_wake(thread.process(), word_addr, 1);
    };
    u64 entry = head.value().next;
    for (int i = 0; i < abi::robust_list_limit && entry != thread.robust_list().head && entry; ++i) {
        auto next = vm.read(UserPtr<u64>(entry));
        if (next.is_error())
            break;
        if (entry != head.value().pending)
            release(entry);
        entry = next.value();
    }
    if (head.value().pending)
        release(head.value().pending);
}

int exit_code_of(int wait_status)
{
    int sig = wait_status & 0x7f;
    return sig ? 128 + sig : (wait_status >> 8) & 0xff;
}

/// The last thread is gone: the process becomes a zombie, its children move to init, and its
/// parent hears of it.
void finalize_process(Process& process)
{
    process.mark_exited();
    ptrace_tracer_exited(process);
    PidFile::notify_exit(process);
    if (is_strace_on())
        trace_process_end(process.pid(), process.wait_status());
    if (is_recording_syscalls())
        flush_process_record(process.pid());
    sem_exit(process.pid());
    process.release_resources();
    process.vfork_done().wake_all();

    // Orphans go to the nearest living ancestor that is a child subreaper
    // (PR_SET_CHILD_SUBREAPER), else to init (Linux's find_new_reaper).
    Process* init = ProcessTable::find(1);
    if (init == &process)
        init = nullptr;
    for (Process* ancestor = process.parent(); ancestor; ancestor = ancestor->parent()) {
        if (ancestor->is_child_subreaper() && !ancestor->is_exiting()) {
            init = ancestor;
            break;
        }
    }
    for (auto& child : process.take_children()) {
        // PR_SET_PDEATHSIG: the child hears that its parent is gone, as from a kill(2) by it.
        // FIXME: Linux sends it when the thread that made the child ends, not the process.
        if (child->pdeath_signal() && !child->has_exited())
            send_signal(*child, make_signal_info(abi::Signal::from_valid(child->pdeath_signal()), abi::si_user,
                                    process.pid(), process.credentials().uid));
        child->set_parent(init);
        // An orphan's exit signal becomes SIGCHLD, so that no orphan can kill init with the
        // signal clone() chose (Linux's reparent_leader).
        child->reset_exit_signal_to_sigchld();
        if (!init)
            continue;
        if (child->has_exited() && init->is_kernel_init()) {
            ProcessTable::remove(*child);
            continue;
        }
        init->add_child(child);
        if (child->has_exited())
            init->child_event().wake_all();
    }

    if (process.pid() == ProcessTable::instance_leader()) {
        // The program's end is the instance's, as under `docker run --init`: whatever it
        // leaves running dies with the instance, and its status is the instance's.
        report_unimplemented_syscalls();
        report_strace_summary();
        flush_all_records();
        frame::power_off(exit_code_of(process.wait_status()));
        return;
    }
    if (process.sid() == process.pid())
        JobControl::on_session_leader_exit(process.sid()); // its controlling terminal hangs up
    Process* parent = process.parent();
    if (!parent) {
        ProcessTable::remove(process);
        return;
    }
    if (parent->is_kernel_init()) {
        // The kernel's init waits for every child at once.
        reap(*parent, process);
        return;
    }
    const auto& action = parent->sighand()->actions[sigchld - 1];
    if (action.handler == sig_ign || (action.flags & sa_nocldwait)) {
        // Nobody will wait: the child is reaped at once (wait(2) NOTES).
        reap(*parent, process);
        parent->child_event().wake_all();
        return;
    }
    int sig = process.wait_status() & 0x7f;
    if (process.exit_signal()) {
        // The signal clone(2) chose (SIGCHLD for fork), with SIGCHLD's siginfo.
        auto info = make_signal_info(Signal::from_valid(process.exit_signal()), sig ? ((process.wait_status() & 0x80) ? cld_dumped : cld_killed) : cld_exited,
            process.pid(), process.credentials().uid);
        info.set_status(sig ? sig : (process.wait_status() >> 8) & 0xff);
        send_signal(*parent, info);
    }
    parent->child_event().wake_all();
}

} // namespace

void finish_thread(Thread& thread)
{
    Ref<Process> process = thread.process_ref();
    if (thread.clear_child_tid() && process->memory()) {
        // CLONE_CHILD_CLEARTID: zero the tid and wake one waiter (pthread_join).
        auto& vm = process->vm();
        if (!vm.write(UserPtr<i32>(thread.clear_child_tid()), i32 {0}).is_error())
            futex_wake(*process, thread.clear_child_tid(), 1);
    }
    if (process->memory())
        release_robust_futexes(thread);
    ProcessTable::remove_thread(thread);
    PidFile::notify_thread_exit(*process, thread.tid());
    if (!process->is_exiting()) {
        bool is_last = std::all_of(process->threads().begin(), process->threads().end(),
            [&](const auto& other) { return other.get() == &thread || other->is_exiting(); });
        if (is_last)
            process->begin_exit(0);
    }
    bool is_last_thread = process->threads().size() == 1;
    ptrace_thread_finished(thread, is_last_thread ? process->wait_status() : thread.exit_status(), is_last_thread);
    process->remove_thread(thread);
    if (process->threads().empty())
        finalize_process(*process);
}

void reap(Process& parent, Process& child)
{
    // The table lets go first: the parent's reference may be the child's last.
    ProcessTable::remove(child);
    parent.reap_child(child);
}

} // namespace asterix::services
