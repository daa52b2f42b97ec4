#pragma once

#include <map>

#include "services/process/process.h"

namespace asterix::services {

/// Every live process by pid (zombies too, until reaped), every thread by tid, and the thread
/// that is running (procfs's "self").
class ProcessTable {
public:
    /// A free id for a new process or thread (they share one space, as on Linux).
    static Result<i32> allocate_id();
    /// Takes the id a checkpoint/restore tool asked for (clone3's set_tid): EINVAL outside
    /// 1..pid_max-1, EEXIST when a process or thread has it (Linux's alloc_pid).
    static Result<i32> claim_id(i32 id);
    /// Whether `id` may be a pid at all (1..pid_max-1).
    static bool is_valid_id(i32 id);
    static void add(Process& process);
    static void remove(Process& process);
    static Process* find(i32 pid);
    static const std::map<i32, Process*>& all();
    static void add_thread(Thread& thread);
    static void remove_thread(Thread& thread);
    static Thread* find_thread(i32 tid);
    /// Processes owned by `uid` that have not exited (RLIMIT_NPROC).
    static usize count_for_user(u32 uid);

    /// Instance-wide bounds on what a guest may create. Each guest thread costs a kernel task
    /// and its stack, each guest process an address space (hosted, a host process), so clone()
    /// past them gets EAGAIN instead of exhausting the host. `threads_ceiling` is the most
    /// kernel.threads-max may be raised to; `max_processes` counts processes that have not
    /// exited. Set once at boot.
    static void set_limits(u64 threads_max, u64 threads_ceiling, u64 max_processes);
    /// kernel.threads-max (/proc/sys/kernel/threads-max).
    static u64 threads_max();
    /// Sets kernel.threads-max; EINVAL outside [20, the ceiling], as Linux's sysctl_max_threads.
    static Result<void> set_threads_max(u64 value);
    static u64 max_processes();
    /// Guest threads that have not finished, and processes that have not exited (the kernel's
    /// own init, which has no address space, not counted).
    static usize thread_count();
    static usize live_process_count();
    /// EAGAIN when a new thread, or with `is_new_process` a new process, would pass a limit.
    static Result<void> check_room_for(bool is_new_process);

    /// The process whose end ends the instance: the program (pid 2, or pid 1 with --pid1).
    static void set_instance_leader(i32 pid);
    static i32 instance_leader();

    /// The thread the running kernel task runs (none on kernel-only tasks).
    static Thread* current_thread();
    static Process* current();

    /// Monotonic time when the kernel booted, and the time since (for uptime and /proc).
    static void set_boot_time(u64 monotonic_ns);
    static u64 uptime_ns();
    /// Real time of the boot, in seconds since the epoch (/proc/stat btime).
    static u64 boot_epoch_sec();
};

} // namespace asterix::services
