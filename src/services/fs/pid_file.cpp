#include "services/fs/pid_file.h"

#include <map>

#include "services/fs/anon_file.h"
#include "services/process/process.h"
#include "services/process/process_table.h"

namespace asterix::services {

namespace {

/// The pidfds open on each process, so that its exit reaches their pollers.
std::multimap<const Process*, PidFile*>& pid_files()
{
    static auto* files = new std::multimap<const Process*, PidFile*>();
    return *files;
}

} // namespace

PidFile::PidFile(Ref<Process> process, u32 status_flags) : File(status_flags), m_process(std::move(process))
{
    pid_files().emplace(m_process.ptr(), this);
}

PidFile::~PidFile()
{
    auto [first, last] = pid_files().equal_range(m_process.ptr());
    for (auto it = first; it != last; ++it) {
        if (it->second == this) {
            pid_files().erase(it);
            break;
        }
    }
}

bool PidFile::is_reaped() { return m_process->has_exited() && ProcessTable::find(m_process->pid()) != m_process.ptr(); }

Result<frame::FileStat> PidFile::stat() { return anon_file_stat(); }

std::string PidFile::description() { return anon_file_description("pidfd"); }

u32 PidFile::poll_events()
{
    // Linux's pidfd_poll: readable once the whole thread group has exited, hung up once the
    // process is gone altogether.
    if (is_reaped())
        return abi::pollin | abi::pollrdnorm | abi::pollhup;
    if (m_process->has_exited())
        return abi::pollin | abi::pollrdnorm;
    return 0;
}

void PidFile::notify_exit(const Process& process)
{
    auto [first, last] = pid_files().equal_range(&process);
    for (auto it = first; it != last; ++it)
        it->second->m_poll_queue.notify(abi::pollin);
}

} // namespace asterix::services
