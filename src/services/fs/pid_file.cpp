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

PidFile::PidFile(Ref<Process> process, u32 status_flags, i32 thread_id)
    : File(status_flags), m_process(std::move(process)), m_thread_id(thread_id)
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

i32 PidFile::id() const { return m_thread_id ? m_thread_id : m_process->pid(); }

Thread* PidFile::thread()
{
    if (!m_thread_id || m_is_thread_gone)
        return nullptr;
    Thread* thread = ProcessTable::find_thread(m_thread_id);
    return thread && &thread->process() == m_process.ptr() ? thread : nullptr;
}

bool PidFile::is_gone() { return is_reaped() || (m_is_thread_gone && m_thread_id != m_process->pid()); }

Result<frame::FileStat> PidFile::stat() { return anon_file_stat(); }

std::string PidFile::description() { return anon_file_description("pidfd"); }

u32 PidFile::poll_events()
{
    // Linux's pidfd_poll: readable once the whole thread group has exited, hung up once the
    // process (or a thread pidfd's non-leader thread) is gone altogether.
    if (is_gone())
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

void PidFile::notify_thread_exit(const Process& process, i32 tid)
{
    auto [first, last] = pid_files().equal_range(&process);
    for (auto it = first; it != last; ++it) {
        PidFile& pidfd = *it->second;
        if (pidfd.m_thread_id != tid)
            continue;
        pidfd.m_is_thread_gone = true;
        pidfd.m_poll_queue.notify(abi::pollin | abi::pollhup);
    }
}

} // namespace asterix::services
