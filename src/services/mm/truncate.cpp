#include "services/mm/truncate.h"

#include <set>

#include "services/process/process_table.h"

namespace asterix::services {

void unmap_truncated_pages(Inode& inode, u64 size)
{
    auto cache = inode.page_cache();
    if (!cache)
        return;
    std::set<MemoryMap*> seen;
    for (auto& [pid, process] : ProcessTable::all()) {
        if (process->memory() && seen.insert(process->memory().ptr()).second)
            process->memory()->drop_file_pages_past(*cache, size);
    }
}

} // namespace asterix::services
