#pragma once

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
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
#include "services/process/aio_context.h"
#include "services/process/credentials.h"
#include "services/process/ptrace.h"

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

    bool has(abi::Signal sig) const { return mask.has(sig); }
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
    abi::SigInfo take(abi::Signal sig);
    void discard(abi::Signal sig);
};

class Thread;
class Process;

/// What a first process starts with (the kernel's init, or the program given at boot).
struct FirstProcessSpec {
    i32 pid {0};
    /// Its parent: the kernel's init, or none for pid 1.
    Process* parent {nullptr};
    /// The kernel's own init (no program, no threads, no address space).
    bool is_kernel_init {false};
    Ref<Dentry> root;
    Ref<Dentry> cwd;
    std::vector<std::string> argv;
    std::vector<std::string> envp;
};

/// A guest process (thread group): its threads and what they share. Made by two factories
/// only (create_first at boot, create_forked by clone), its state changes through methods
/// named after what happens to it (exec, stop, continue, exit, reap).
/// The scheduling policy (SCHED_*), real-time priority and SCHED_RESET_ON_FORK of
/// sched_setscheduler(2), and the rest of sched_setattr(2)'s parameters: per thread.
struct Scheduling {
    int policy {0};
    u32 priority {0};
    bool is_reset_on_fork {false};
    /// SCHED_DEADLINE's parameters (sched_setattr(2)), in nanoseconds, and its flags.
    u64 dl_runtime {0};
    u64 dl_deadline {0};
    u64 dl_period {0};
    u64 dl_flags {0};
    /// A fair task's own time slice (sched_attr's runtime since Linux 6.12), 0: the default.
    u64 fair_slice_ns {0};
    /// The utilisation clamps a task asked for (SCHED_FLAG_UTIL_CLAMP), 0..1024.
    u32 util_min {0};
    u32 util_max {1024};
};

class Process : public RefCounted<Process> {
    /// Only the factories can make one; make_ref needs a public constructor, so it takes this.
    class Key {
        friend class Process;
        Key() = default;
    };

public:
    Process(Key, i32 pid, Process* parent);
    ~Process();

    /// The kernel's init or the boot program's process, not yet in the process table.
    static Ref<Process> create_first(const FirstProcessSpec& spec);
    /// The child of a fork or clone without CLONE_THREAD (clone.cpp): shares or copies the
    /// parent's memory, files, fs and signal handlers as `flags` say, and inherits its
    /// identity, group, session, limits and nice value.
    /// `hot_addrs`: pages the child and parent touch first (MemoryMap::fork).
    static Result<Ref<Process>> create_forked(i32 pid, Process& parent, Process* new_parent, u64 flags, int exit_signal,
        std::span<const u64> hot_addrs = {});

    i32 pid() const { return m_pid; }
    i32 ppid() const;
    Process* parent() const { return m_parent; }
    void set_parent(Process* parent) { m_parent = parent; }

    /// The short name (comm): the program's base name, at most 15 bytes.
    const std::string& comm() const { return m_program.comm; }
    /// PR_SET_NAME: at most 15 bytes are kept.
    void set_comm(std::string comm);
    /// The program path as exec resolved it (what /proc/self/exe shows).
    const std::string& exe_path() const { return m_program.exe_path; }
    /// The arguments and environment of the running program (/proc/PID/cmdline, environ).
    const std::vector<std::string>& argv() const { return m_program.argv; }
    const std::vector<std::string>& envp() const { return m_program.envp; }
    /// exec's new image: its memory, the program's identity, and whether others of its user
    /// may reach into it. `args_charge` is what argv and envp cost the kernel's memory.
    void replace_image(Ref<MemoryMap> memory, std::string exe_path, std::vector<std::string> argv,
        std::vector<std::string> envp, KernelCharge args_charge, std::string comm, bool is_dumpable);
    /// The auxiliary vector exec gave the program, as bytes (/proc/PID/auxv); a fork keeps it.
    const std::string& saved_auxv() const { return m_saved_auxv; }
    void set_saved_auxv(std::string auxv) { m_saved_auxv = std::move(auxv); }
    /// When the process started (ns since boot), for /proc/PID/stat.
    u64 start_time_ns() const { return m_start_time_ns; }

    /// The credentials others see the process by (kill, /proc, wait): its leader's, or the
    /// last thread's once all have exited.
    const Credentials& credentials() const;

    i32 pgid() const { return m_pgid; }
    i32 sid() const { return m_sid; }
    /// setpgid: moves the process to another group of its session.
    void set_pgid(i32 pgid) { m_pgid = pgid; }
    /// setsid: the process leads a new session and a new group, both with its id.
    void become_session_leader() { m_sid = m_pgid = m_pid; }

    /// What the process shares with others cloned with CLONE_VM, CLONE_FILES, CLONE_FS and
    /// CLONE_SIGHAND; callers act on the shared object through the reference. Null once
    /// the process has exited (memory, files, fs).
    const Ref<MemoryMap>& memory() const { return m_memory; }
    const Ref<FdTable>& files() const { return m_files; }
    const Ref<FsContext>& fs() const { return m_fs; }
    const Ref<SignalHandlers>& sighand() const { return m_sighand; }
    /// unshare(2) and exec: the process stops sharing its descriptor table or handlers.
    void replace_files(Ref<FdTable> files) { m_files = std::move(files); }
    void replace_sighand(Ref<SignalHandlers> sighand) { m_sighand = std::move(sighand); }
    /// The process became a zombie: its memory is written back and dropped with its files
    /// and fs (a zombie holds no resources but its exit status).
    void release_resources();
    frame::VmSpace& vm() { return m_memory->vm(); }

    const abi::Rlimit& rlimit(int resource) const { return m_rlimits[static_cast<usize>(resource)]; }
    void set_rlimit(int resource, const abi::Rlimit& limit) { m_rlimits[static_cast<usize>(resource)] = limit; }

    /// The threads, the first being the leader. A thread is added by the factories and clone
    /// (add_thread), and leaves when it finishes (remove_thread).
    const std::vector<std::unique_ptr<Thread>>& threads() const { return m_threads; }
    Thread* main_thread() { return m_threads.empty() ? nullptr : m_threads.front().get(); }
    Thread& add_thread(i32 tid, Ref<const Credentials> credentials);
    /// The thread leaves the group; the last one out keeps its credentials for the zombie.
    void remove_thread(Thread& thread);

    const std::vector<Ref<Process>>& children() const { return m_children; }
    void add_child(Ref<Process> child) { m_children.push_back(std::move(child)); }
    /// wait4 took the child's exit: its CPU time joins this process's children's time.
    void reap_child(Process& child);
    /// The process ended: its children leave it, to be adopted elsewhere.
    std::vector<Ref<Process>> take_children() { return std::move(m_children); }

    /// Signals sent to the whole process, taken by whichever thread does not block them.
    PendingSignals& shared_pending() { return m_shared_pending; }

    /// Exit: the process is exiting once its status is set, and a zombie (has_exited) once
    /// its last thread is gone, until its parent waits for it.
    bool is_exiting() const { return m_life.is_exiting; }
    bool has_exited() const { return m_life.has_exited; }
    int wait_status() const { return m_life.wait_status; }
    /// Starts the exit with `wait_status` (an exiting process is no longer stopped); false,
    /// and nothing changes, if it was already exiting.
    bool begin_exit(int wait_status);
    /// The last thread is gone: a zombie, with the status begin_exit set (0 if none did).
    void mark_exited();

    /// Job control: stopped by a signal, and what the parent has yet to hear about.
    bool is_stopped() const { return m_life.is_stopped; }
    int stop_signal() const { return m_life.stop_signal; }
    bool has_stop_to_report() const { return m_life.has_stop_to_report; }
    bool has_continue_to_report() const { return m_life.has_continue_to_report; }
    /// A stop signal took effect; false if the process was already stopped. The parent has a
    /// stop to hear about, and no longer a continue.
    bool mark_stopped(int sig);
    /// SIGCONT took effect; false if the process was not stopped. The parent has a continue
    /// to hear about, and no longer a stop.
    bool mark_continued();
    /// wait4 reported the stop or the continue (without WNOWAIT): it is not reported twice.
    void take_stop_report() { m_life.has_stop_to_report = false; }
    void take_continue_report() { m_life.has_continue_to_report = false; }
    /// Threads of a stopped process wait here until SIGCONT or an exit.
    frame::WaitQueue& continued() { return m_continued; }

    /// The parent waits here for a child's change of state (wait4, waitid).
    frame::WaitQueue& child_event() { return m_child_event; }
    /// A vfork parent waits here until the child execs or exits.
    frame::WaitQueue& vfork_done() { return m_vfork_done; }
    bool is_vfork_child() const { return m_is_vfork_child; }
    /// The process has exec'd since it was forked (its parent may no longer setpgid it).
    bool has_execed() const { return m_has_execed; }
    /// exec succeeded: the process no longer borrows a vfork parent's memory, which may go on.
    void mark_execed();

    /// Linux's SIGNAL_UNKILLABLE, set on pid 1: a signal whose action is the default is
    /// dropped, whoever sends it (the kernel's own fault signals still kill).
    bool is_unkillable() const { return m_is_unkillable; }
    /// The kernel's own init (pid 1 unless --pid1): no threads, no address space; it reaps
    /// the orphans it inherits at once.
    bool is_kernel_init() const { return m_is_kernel_init; }
    /// PR_SET_CHILD_SUBREAPER: orphans of its descendants come to it instead of to init.
    bool is_child_subreaper() const { return m_is_child_subreaper; }
    void set_child_subreaper(bool is_subreaper) { m_is_child_subreaper = is_subreaper; }
    /// PR_SET_DUMPABLE (Linux keeps it in the mm): others of its user may reach into it
    /// (/proc/PID/environ, mem, fd...). Cleared by a change of identity and a setuid exec.
    bool is_dumpable() const { return m_is_dumpable; }
    void set_dumpable(bool is_dumpable) { m_is_dumpable = is_dumpable; }
    /// The NUMA memory policy of set_mempolicy(2): a mode, its mode flags and the node mask
    /// (node 0 is the only node). FIXME: Linux keeps it per thread.
    struct MemoryPolicy {
        int mode {0};
        int flags {0};
        u64 nodes {0};
    };
    const MemoryPolicy& memory_policy() const { return m_memory_policy; }
    void set_memory_policy(const MemoryPolicy& policy) { m_memory_policy = policy; }
    /// The execution domain and flags of personality(2) (PER_LINUX, ADDR_NO_RANDOMIZE...).
    u32 personality() const { return m_personality; }
    void set_personality(u32 personality) { m_personality = personality; }
    /// PR_SET_PDEATHSIG: the signal the process gets when its parent ends (0: none); a fork
    /// starts without one.
    int pdeath_signal() const { return m_pdeath_signal; }
    void set_pdeath_signal(int sig) { m_pdeath_signal = sig; }
    /// PR_SET_TIMERSLACK. FIXME: per thread in Linux; timers here are not coalesced anyway.
    u64 timer_slack_ns() const { return m_timer_slack_ns; }
    void set_timer_slack_ns(u64 slack_ns) { m_timer_slack_ns = slack_ns; }
    /// The signal the parent gets when this process ends (SIGCHLD unless clone said otherwise).
    int exit_signal() const { return m_exit_signal; }
    /// Reparented orphans signal their new parent with SIGCHLD, whatever clone chose.
    void reset_exit_signal_to_sigchld() { m_exit_signal = abi::sigchld; }

    /// ITIMER_VIRTUAL and ITIMER_PROF: when they expire, in the process's CPU time (user, and
    /// user plus system; 0: disarmed), and their interval. A fork does not inherit them.
    struct CpuTimer {
        u64 deadline_ns {0};
        u64 interval_ns {0};
    };
    /// The timer of ITIMER_VIRTUAL (0) or ITIMER_PROF (1); itimer.cpp arms and fires it.
    CpuTimer& cpu_timer(usize index) { return m_cpu_timers[index]; }

    /// CPU time used, in ns (approximated by time spent running guest code and in syscalls),
    /// and that of the children it reaped.
    struct CpuTimes {
        u64 user_ns {0};
        u64 system_ns {0};
        u64 children_user_ns {0};
        u64 children_system_ns {0};
    };
    const CpuTimes& cpu_times() const { return m_cpu_times; }
    void charge_user(u64 ns) { m_cpu_times.user_ns += ns; }
    void charge_system(u64 ns) { m_cpu_times.system_ns += ns; }

    /// The io_setup contexts, by the address of their ring page. Linux ties them to the
    /// memory map: a fork does not inherit them, exec and exit destroy them.
    std::map<u64, Ref<AioContext>>& aio_contexts() { return m_aio_contexts; }

    /// The threads this process traces, and the ended ones whose end it has yet to wait for.
    std::vector<Ref<PtraceLink>>& tracees() { return m_tracees; }
    /// Whether a thread of the process is traced (such a process must keep every syscall
    /// visible: nothing may patch its syscall sites).
    bool is_traced() const;
    /// The process ended while traced by another than its parent: the parent hears of the end
    /// only once the tracer has waited for it, as on Linux.
    bool is_exit_held_by_tracer() const { return m_is_exit_held_by_tracer; }
    void set_exit_held_by_tracer(bool is_held) { m_is_exit_held_by_tracer = is_held; }
    /// Threads of the process that ended traced and that their tracer has yet to wait for: the
    /// process's own end is reported only after theirs (Linux's delay_group_leader keeps the
    /// leader while such zombie threads remain).
    bool has_unreaped_traced_threads() const { return m_unreaped_traced_threads != 0; }
    void add_unreaped_traced_thread() { ++m_unreaped_traced_threads; }
    void remove_unreaped_traced_thread() { --m_unreaped_traced_threads; }

private:
    i32 m_pid;
    Process* m_parent;
    Ref<const Credentials> m_exit_credentials;

    /// What exec sets (and fork copies).
    struct Program {
        std::string comm;
        std::string exe_path;
        std::vector<std::string> argv;
        std::vector<std::string> envp;
        /// What argv and envp cost the instance's kernel memory.
        KernelCharge args_charge;
    };
    Program m_program;
    std::string m_saved_auxv;
    u64 m_start_time_ns {0};
    i32 m_pgid {0};
    i32 m_sid {0};

    Ref<MemoryMap> m_memory;
    Ref<FdTable> m_files;
    Ref<FsContext> m_fs;
    Ref<SignalHandlers> m_sighand;
    std::array<abi::Rlimit, rlimit_count> m_rlimits {};

    std::vector<std::unique_ptr<Thread>> m_threads;
    std::map<u64, Ref<AioContext>> m_aio_contexts;
    std::vector<Ref<Process>> m_children;
    PendingSignals m_shared_pending;

    /// The exit and job-control state; its flags change together, through the methods above.
    struct Life {
        bool is_exiting {false};
        bool has_exited {false};
        int wait_status {0};
        bool is_stopped {false};
        int stop_signal {0};
        bool has_stop_to_report {false};
        bool has_continue_to_report {false};
    };
    Life m_life;
    frame::WaitQueue m_continued;
    frame::WaitQueue m_child_event;
    frame::WaitQueue m_vfork_done;

    bool m_is_vfork_child {false};
    bool m_has_execed {false};
    bool m_is_unkillable {false};
    bool m_is_kernel_init {false};
    bool m_is_child_subreaper {false};
    bool m_is_dumpable {true};
    MemoryPolicy m_memory_policy;
    u32 m_personality {0};
    int m_pdeath_signal {0};
    u64 m_timer_slack_ns {50'000};
    int m_exit_signal {abi::sigchld};
    std::array<CpuTimer, 2> m_cpu_timers {};
    CpuTimes m_cpu_times;
    std::vector<Ref<PtraceLink>> m_tracees;
    bool m_is_exit_held_by_tracer {false};
    u32 m_unreaped_traced_threads {0};
};

/// A guest thread: a register set that runs in its process's address space, and the kernel
/// task that runs it.
class Thread {
public:
    /// Only a process makes its threads (Process::add_thread): only it can make a key.
    class Key {
        friend class Process;
        Key() = default;
    };

    Thread(Key, i32 tid, Ref<Process> process, Ref<const Credentials> credentials)
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
            m_process->set_dumpable(false);
        m_credentials = std::move(credentials);
    }

    /// The guest registers the thread returns to user mode with; syscalls and signal delivery
    /// read and edit them in place.
    frame::UserContext& context() { return m_context; }
    const frame::UserContext& context() const { return m_context; }
    /// The kernel task that runs the thread (null until start_thread).
    frame::Task* task() const { return m_task; }
    void attach_task(frame::Task* task) { m_task = task; }

    /// The blocked signals. SIGKILL and SIGSTOP can never be blocked: set_sig_mask drops them,
    /// as Linux's sigprocmask does.
    u64 sig_mask() const { return m_sig_mask; }
    void set_sig_mask(u64 mask) { m_sig_mask = mask & ~(abi::sig_bit(abi::sigkill) | abi::sig_bit(abi::sigstop)); }
    /// sigsuspend, pselect and ppoll run with a temporary mask; the thread's own comes back
    /// once a signal has been taken (in the handler's frame) or none came.
    void swap_in_temporary_sig_mask(u64 temporary)
    {
        m_saved_sig_mask = m_sig_mask;
        set_sig_mask(temporary);
    }
    void restore_saved_sig_mask()
    {
        if (m_saved_sig_mask)
            m_sig_mask = *m_saved_sig_mask;
        m_saved_sig_mask.reset();
    }
    /// The mask a signal frame saves: the thread's own, not a temporary one.
    u64 mask_to_restore() const { return m_saved_sig_mask.value_or(m_sig_mask); }
    /// Signals sent to this thread alone (tkill, faults); the process's are in the process.
    PendingSignals& pending() { return m_pending; }
    const PendingSignals& pending() const { return m_pending; }
    /// sigaltstack(2)'s stack (SS_DISABLE until set).
    const abi::StackT& alt_stack() const { return m_alt_stack; }
    void set_alt_stack(const abi::StackT& stack) { m_alt_stack = stack; }

    /// set_tid_address / CLONE_CHILD_CLEARTID: the word cleared and woken at exit (0: none).
    u64 clear_child_tid() const { return m_clear_child_tid; }
    void set_clear_child_tid(u64 address) { m_clear_child_tid = address; }
    /// set_robust_list(2): the head walked at exit, and the length the caller gave.
    struct RobustList {
        u64 head {0};
        u64 len {0};
    };
    const RobustList& robust_list() const { return m_robust_list; }
    void set_robust_list(u64 head, u64 len) { m_robust_list = {head, len}; }
    /// The registered rseq area (area 0: none), its length and signature.
    struct Rseq {
        u64 area {0};
        u32 len {0};
        u32 signature {0};
    };
    const Rseq& rseq() const { return m_rseq; }
    void register_rseq(u64 area, u32 len, u32 signature) { m_rseq = {area, len, signature}; }
    void unregister_rseq() { m_rseq = {}; }
    /// The nice value (getpriority/setpriority), -20..19, and the scheduling policy: per
    /// thread, as Linux keeps them; both set the weight of the thread's task.
    int nice() const { return m_nice; }
    void set_nice(int nice);
    const Scheduling& scheduling() const { return m_scheduling; }
    void set_scheduling(const Scheduling& scheduling);
    /// A new thread's nice value and policy, from the thread that created it.
    void inherit_scheduling(const Thread& creator);
    /// ioprio_set(2)'s value (class << 13 | data); 0 (IOPRIO_CLASS_NONE) until set.
    u16 io_priority() const { return m_io_priority; }
    void set_io_priority(u16 priority) { m_io_priority = priority; }

    /// The thread is on its way out (exit, a fatal signal, another thread's exec): its loop
    /// ends at the next return to it. It never comes back.
    bool is_exiting() const { return m_is_exiting; }
    void mark_exiting() { m_is_exiting = true; }
    /// PR_SET_NO_NEW_PRIVS: exec never grants privileges; inherited by clone, kept by exec,
    /// and never cleared.
    bool has_no_new_privs() const { return m_has_no_new_privs; }
    void set_no_new_privs() { m_has_no_new_privs = true; }
    /// CPU time of this thread, in ns: running guest code, and in the kernel for it.
    u64 user_ns() const { return m_user_ns; }
    u64 system_ns() const { return m_system_ns; }
    void charge_user(u64 ns) { m_user_ns += ns; }
    void charge_system(u64 ns) { m_system_ns += ns; }

    /// A syscall a signal interrupted (it returned ERESTART*): restarted or failed with EINTR
    /// once the signal is taken. Its number, while one is.
    std::optional<u64> interrupted_syscall() const { return m_interrupted_syscall; }
    void note_interrupted_syscall(u64 number) { m_interrupted_syscall = number; }
    void clear_interrupted_syscall() { m_interrupted_syscall.reset(); }
    /// What restart_syscall(2) continues: the deadline the interrupted sleep keeps, on its clock.
    struct Restart {
        u64 deadline_ns {0};
        int clock {0};
    };
    const Restart& restart() const { return m_restart; }
    void set_restart(u64 deadline_ns, int clock) { m_restart = {deadline_ns, clock}; }

    /// The tie to the thread's tracer while it is traced (null otherwise).
    const Ref<PtraceLink>& ptrace_link() const { return m_ptrace_link; }
    void set_ptrace_link(Ref<PtraceLink> link) { m_ptrace_link = std::move(link); }
    /// The wait status the thread ended with (exit(2) of one thread, or its process's).
    int exit_status() const { return m_exit_status; }
    void set_exit_status(int status) { m_exit_status = status; }

private:
    i32 m_tid;
    Ref<Process> m_process;
    Ref<const Credentials> m_credentials;
    frame::UserContext m_context;
    frame::Task* m_task {nullptr};
    int m_nice {0};
    Scheduling m_scheduling;
    u64 m_sig_mask {0};
    std::optional<u64> m_saved_sig_mask;
    PendingSignals m_pending;
    abi::StackT m_alt_stack {0, abi::ss_disable, 0, 0};
    u64 m_clear_child_tid {0};
    RobustList m_robust_list;
    Rseq m_rseq;
    u16 m_io_priority {0};
    std::optional<u64> m_interrupted_syscall;
    Restart m_restart;
    Ref<PtraceLink> m_ptrace_link;
    int m_exit_status {0};
    bool m_is_exiting {false};
    bool m_has_no_new_privs {false};
    u64 m_user_ns {0};
    u64 m_system_ns {0};
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
