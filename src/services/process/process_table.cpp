#include "services/process/process_table.h"

#include "frame/clock.h"

namespace asterix::services {

namespace {
std::map<i32, Process*>& table()
{
    static std::map<i32, Process*> processes;
    return processes;
}
Process* g_current = nullptr;
} // namespace

void ProcessTable::add(Process& process) { table()[process.pid()] = &process; }

void ProcessTable::remove(Process& process)
{
    table().erase(process.pid());
    if (g_current == &process)
        g_current = nullptr;
}

Process* ProcessTable::find(i32 pid)
{
    auto it = table().find(pid);
    return it == table().end() ? nullptr : it->second;
}

const std::map<i32, Process*>& ProcessTable::all() { return table(); }
namespace {
u64 g_boot_monotonic_ns = 0;
}

void ProcessTable::set_boot_time(u64 monotonic_ns) { g_boot_monotonic_ns = monotonic_ns; }
u64 ProcessTable::uptime_ns() { return frame::monotonic_ns() - g_boot_monotonic_ns; }
u64 ProcessTable::boot_epoch_sec() { return (frame::realtime_ns() - uptime_ns()) / 1'000'000'000; }

void ProcessTable::set_current(Process* process) { g_current = process; }
Process* ProcessTable::current() { return g_current; }

} // namespace asterix::services
