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
    static void add(Process& process);
    static void remove(Process& process);
    static Process* find(i32 pid);
    static const std::map<i32, Process*>& all();
    static void add_thread(Thread& thread);
    static void remove_thread(Thread& thread);
    static Thread* find_thread(i32 tid);
    /// Processes owned by `uid` that have not exited (RLIMIT_NPROC).
    static usize count_for_user(u32 uid);

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
