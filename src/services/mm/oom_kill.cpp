#include "services/mm/oom_kill.h"

#include "frame/log.h"
#include "frame/phys_mem.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

void oom_kill(const MemoryMap& memory)
{
    for (const auto& [pid, process] : ProcessTable::all()) {
        if (process->memory().ptr() != &memory || process->is_exiting() || process->has_exited())
            continue;
        frame::klog(frame::Subsystem::vm, frame::LogLevel::error, "out of guest memory (%llu MiB): pid %d (%s) killed",
            static_cast<unsigned long long>(frame::total_frames() * page_size >> 20), process->pid(),
            process->comm().c_str());
        exit_process(*process, sigkill);
    }
}

} // namespace asterix::services
