#pragma once

#include <map>

#include "services/process/process.h"

namespace asterix::services {

/// Every live process by pid, and the one whose thread is running (procfs's "self").
class ProcessTable {
public:
    static void add(Process& process);
    static void remove(Process& process);
    static Process* find(i32 pid);
    static const std::map<i32, Process*>& all();

    static void set_current(Process* process);
    static Process* current();

    /// Monotonic time when the kernel booted, and the time since (for uptime and /proc).
    static void set_boot_time(u64 monotonic_ns);
    static u64 uptime_ns();
    /// Real time of the boot, in seconds since the epoch (/proc/stat btime).
    static u64 boot_epoch_sec();
};

} // namespace asterix::services
