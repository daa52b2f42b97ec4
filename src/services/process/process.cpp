#include "services/process/process.h"

#include <algorithm>

namespace asterix::services {

Process::Process(i32 pid, Process* parent) : m_pid(pid), m_parent(parent) {}

Process::~Process() = default;

i32 Process::ppid() const { return m_parent ? m_parent->pid() : 0; }

void PendingSignals::add(const abi::SigInfo& info)
{
    int sig = info.signo;
    bool is_realtime = sig >= 32;
    if (has(sig) && !is_realtime)
        return; // a standard signal is pending once
    mask |= 1ull << (sig - 1);
    queue.push_back(info);
}

abi::SigInfo PendingSignals::take(int sig)
{
    abi::SigInfo info {};
    info.signo = sig;
    auto it = std::find_if(queue.begin(), queue.end(), [sig](const abi::SigInfo& entry) { return entry.signo == sig; });
    if (it != queue.end()) {
        info = *it;
        queue.erase(it);
    }
    bool is_still_queued = std::any_of(queue.begin(), queue.end(), [sig](const abi::SigInfo& entry) { return entry.signo == sig; });
    if (!is_still_queued)
        mask &= ~(1ull << (sig - 1));
    return info;
}

void PendingSignals::discard(int sig)
{
    mask &= ~(1ull << (sig - 1));
    std::erase_if(queue, [sig](const abi::SigInfo& entry) { return entry.signo == sig; });
}

} // namespace asterix::services
