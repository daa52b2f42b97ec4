#pragma once

#include <array>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "frame/ref.h"
#include "frame/task.h"
#include "frame/user_mode.h"
#include "services/abi/resource.h"
#include "services/abi/signal.h"
#include "services/fs/dentry.h"
#include "services/fs/fd_table.h"
#include "services/kernel_memory.h"
#include "services/mm/memory_map.h"
#include "services/process/credentials.h"

namespace asterix::services {

using abi::signal_count, abi::rlimit_count, abi::rlimit_nproc, abi::rlimit_stack, abi::rlimit_nofile,
    abi::rlimit_sigpending;

/// The root, working directory and umask: shared by processes cloned with CLONE_FS.
class FsContext : public RefCounted<FsContext> {
public:
    Ref<Dentry> root;
    Ref<Dentry> cwd;
    u32 umask {022};
};

/// Signal dispositions: shared by processes cloned with CLONE_SIGHAND (all threads).
class SignalHandlers : public RefCounted<SignalHandlers> {
public:
    std::array<abi::KSigAction, signal_count> actions {};
};

/// Signals sent but not yet delivered, with their siginfo. A standard signal is pending at
/// most once; real-time signals queue.
struct PendingSignals {
    /// A queued instance, charged to the receiving user (RLIMIT_SIGPENDING).
    struct Entry {
        abi::SigInfo info;
        u32 uid;
    };
    abi::SigSet mask;
    std::deque<Entry> queue;

    PendingSignals() = default;
    PendingSignals(const PendingSignals&) = delete;
    PendingSignals& operator=(const PendingSignals&) = delete;
    ~PendingSignals();

    bool has(int sig) const { return mask.has(sig); }
    /// Makes the signal pending, with its siginfo queued and charged to `uid` while the user
    /// has fewer than `limit` queued. Past it a standard signal is pending without its siginfo
    /// and a real-time one is not queued: false then, as Linux's __send_signal.
    bool add(const abi::SigInfo& info, u32 uid, u64 limit);
    /// Signals queued for `uid` in all processes.
    static u64 queued_for(u32 uid);
    /// Whether one more siginfo can be queued for `uid` under `limit` and in the instance's
    /// kernel memory (sigqueue's EAGAIN otherwise).
    static bool can_queue(u32 uid, u64 limit);
    /// Removes the signal (its first queued instance); returns its siginfo.
    abi::SigInfo take(int sig);
    void discard(int sig);
};

class Thread;

/// A guest process (thread group): its threads and what they share.
class Process : public RefCounted<Process> {
public:
    Process(i32 pid, Process* parent);
    ~Process();

    i32 pid() const { return m_pid; }
    i32 ppid() const;
    Process* parent() const { return m_parent; }
    void set_parent(Process* parent) { m_parent = parent; }

    /// The short name (comm): the program's base name, at most 15 bytes.
    std::string comm;
    /// The program path as exec resolved it (what /proc/self/exe shows).
    std::string exe_path;
    /// The arguments and environment of the running program (/proc/PID/cmdline, environ).
    std::vector<std::string> argv;
    std::vector<std::string> envp;
    /// What argv and envp cost the instance's kernel memory (a fork copies them).
    KernelCharge args_charge;
    /// When the process started (ns since boot), for /proc/PID/stat.
    u64 start_time_ns {0};

    /// The credentials others see the process by (kill, /proc, wait): its leader's, or the
    /// last thread's once all have exited.
    const Credentials& credentials() const;
    /// Kept when the last thread leaves, for a zombie's credentials.
    void keep_credentials(Ref<const Credentials> credentials) { m_exit_credentials = std::move(credentials); }
    i32 pgid {0};
    i32 sid {0};

    Ref<MemoryMap> memory;
    Ref<FdTable> files;
    Ref<FsContext> fs;
    Ref<SignalHandlers> sighand;
    std::array<abi::Rlimit, rlimit_count> rlimits {};

    std::vector<std::unique_ptr<Thread>> threads;
    std::vector<Ref<Process>> children;
    PendingSignals shared_pending;

    /// Exit: the process is a zombie until its parent waits for it.
    bool has_exited {false};
    bool is_exiting {false};
    int wait_status {0};
    /// Job control: stopped by a signal, and what the parent has yet to hear about.
    bool is_stopped {false};
    int stop_signal {0};
    bool has_stop_to_report {false};
    bool has_continue_to_report {false};
    frame::WaitQueue continued;

    /// The parent waits here for a child's change of state (wait4, waitid).
    frame::WaitQueue child_event;
    /// A vfork parent waits here until the child execs or exits.
    frame::WaitQueue vfork_done;
    bool is_vfork_child {false};
    /// The process has exec'd since it was forked (its parent may no longer setpgid it).
    bool has_execed {false};
    /// Linux's SIGNAL_UNKILLABLE, set on pid 1: a signal whose action is the default is
    /// dropped, whoever sends it (the kernel's own fault signals still kill).
    bool is_unkillable {false};
    /// The kernel's own init (pid 1 unless --pid1): no threads, no address space; it reaps
    /// the orphans it inherits at once.
    bool is_kernel_init {false};
    /// PR_SET_CHILD_SUBREAPER: orphans of its descendants come to it instead of to init.
    bool is_child_subreaper {false};
    /// PR_SET_DUMPABLE (Linux keeps it in the mm): others of its user may reach into it
    /// (/proc/PID/environ, mem, fd...). Cleared by a change of identity and a setuid exec.
    bool is_dumpable {true};
    /// The nice value (getpriority/setpriority), -20..19.
    int nice {0};
    /// The signal the parent gets when this process ends (SIGCHLD unless clone said otherwise).
    int exit_signal {17};

    /// ITIMER_VIRTUAL and ITIMER_PROF: when they expire, in the process's CPU time (user, and
    /// user plus system; 0: disarmed), and their interval. A fork does not inherit them.
    struct CpuTimer {
        u64 deadline_ns {0};
        u64 interval_ns {0};
    };
    std::array<CpuTimer, 2> cpu_timers {};

    /// CPU time used, in ns (approximated by time spent running guest code and in syscalls).
    u64 user_ns {0};
    u64 system_ns {0};
    u64 children_user_ns {0};
    u64 children_system_ns {0};

    frame::VmSpace& vm() { return memory->vm(); }
    Thread* main_thread() { return threads.empty() ? nullptr : threads.front().get(); }

private:
    i32 m_pid;
    Process* m_parent;
    Ref<const Credentials> m_exit_credentials;
};

/// A guest thread: a register set that runs in its process's address space, and the kernel
/// task that runs it.
class Thread {
public:
    Thread(i32 tid, Ref<Process> process, Ref<const Credentials> credentials)
        : m_tid(tid), m_process(std::move(process)), m_credentials(std::move(credentials))
    {
    }

    i32 tid() const { return m_tid; }
    /// exec from a non-leader thread: the thread takes over the process's id.
    void set_tid(i32 tid) { m_tid = tid; }
    Process& process() { return *m_process; }
    Ref<Process> process_ref() { return m_process; }
    /// What the thread acts as. setuid(2) and friends change the calling thread only (glibc
    /// makes the other threads follow).
    const Credentials& credentials() const { return *m_credentials; }
    const Ref<const Credentials>& credentials_ref() const { return m_credentials; }
    void set_credentials(Ref<const Credentials> credentials)
    {
        // Linux's commit_creds: a process that changes identity may hold what its old
        // identity could read, so it is no longer open to its (new or old) user.
        if (m_credentials && credentials->is_identity_change_from(*m_credentials))
            m_process->is_dumpable = false;
        m_credentials = std::move(credentials);
    }

    frame::UserContext context;
    frame::Task* task {nullptr};
    u64 sig_mask {0};
    /// The mask to restore after a handler runs (sigsuspend, pselect, ppoll swap masks).
    u64 saved_sig_mask {0};
    bool has_saved_sig_mask {false};
    PendingSignals pending;
    abi::StackT alt_stack {0, abi::ss_disable, 0, 0};
    u64 clear_child_tid {0};
    u64 robust_list_head {0};
    u64 robust_list_len {0};
    /// The registered rseq area (0 when none), its length and signature.
    u64 rseq_area {0};
    u32 rseq_len {0};
    u32 rseq_signature {0};
    /// ioprio_set(2)'s value (class << 13 | data); 0 (IOPRIO_CLASS_NONE) until set.
    u16 io_priority {0};
    bool is_exiting {false};
    /// PR_SET_NO_NEW_PRIVS: exec never grants privileges; inherited by clone, kept by exec.
    bool has_no_new_privs {false};
    /// CPU time of this thread, in ns: running guest code, and in the kernel for it.
    u64 user_ns {0};
    u64 system_ns {0};
    /// A syscall a signal interrupted (it returned ERESTART*): restarted or failed with EINTR
    /// once the signal is taken.
    bool interrupted_syscall {false};
    u64 interrupted_syscall_number {0};
    /// The syscall to continue with restart_syscall(2), and the deadline it keeps.
    u64 restart_deadline_ns {0};
    int restart_clock {0};

private:
    i32 m_tid;
    Ref<Process> m_process;
    Ref<const Credentials> m_credentials;
};

/// Limits a new process starts with (Linux defaults).
std::array<abi::Rlimit, rlimit_count> default_rlimits();

/// A thread was preempted: if it was inside an rseq critical section, it restarts at the abort
/// handler (syscalls/rseq.cpp).
void rseq_preempted(Thread& thread);

/// Starts a kernel task that runs the thread until it exits.
void start_thread(Thread& thread);

/// Called on the thread's task when its loop ends: clears the child tid, walks the robust list,
/// and the last thread out turns the process into a zombie.
void finish_thread(Thread& thread);

/// Takes a zombie child's exit (wait4): it leaves the process table.
void reap(Process& parent, Process& child);

/// Ends the calling thread; the last one out ends the process with `wait_status`.
void exit_thread(Thread& thread, int wait_status);
/// Ends every thread of the process (exit_group, a fatal signal) with a wait status.
void exit_process(Process& process, int wait_status);

} // namespace asterix::services
