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
};

} // namespace asterix::services
