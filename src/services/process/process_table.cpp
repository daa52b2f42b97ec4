#include "services/process/process_table.h"

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
void ProcessTable::set_current(Process* process) { g_current = process; }
Process* ProcessTable::current() { return g_current; }

} // namespace asterix::services
