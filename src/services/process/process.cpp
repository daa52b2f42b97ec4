#include "services/process/process.h"

#include <algorithm>
#include <map>

#include "services/kernel_memory.h"

namespace asterix::services {

Process::Process(i32 pid, Process* parent) : m_pid(pid), m_parent(parent) {}

Process::~Process() = default;

i32 Process::ppid() const { return m_parent ? m_parent->pid() : 0; }

const Credentials& Process::credentials() const
{
    if (!threads.empty())
        return threads.front()->credentials();
    AX_ASSERT(m_exit_credentials);
    return *m_exit_credentials;
}

namespace {
std::map<u32, u64>& queued_by_uid()
{
    static std::map<u32, u64> queued;
    return queued;
}

/// What one queued siginfo costs the kernel (the entry and its share of the deque).
constexpr usize queued_signal_bytes = sizeof(PendingSignals::Entry) + 16;

void uncharge(const PendingSignals::Entry& entry)
{
    KernelMemory::uncharge(queued_signal_bytes);
    auto& queued = queued_by_uid();
    if (auto it = queued.find(entry.uid); it != queued.end() && --it->second == 0)
        queued.erase(it);
}
} // namespace

PendingSignals::~PendingSignals()
{
    for (const auto& entry : queue)
        uncharge(entry);
}

u64 PendingSignals::queued_for(u32 uid)
{
    auto it = queued_by_uid().find(uid);
    return it == queued_by_uid().end() ? 0 : it->second;
}

bool PendingSignals::can_queue(u32 uid, u64 limit)
{
    return queued_for(uid) < limit && KernelMemory::has_room(queued_signal_bytes);
}

bool PendingSignals::add(const abi::SigInfo& info, u32 uid, u64 limit)
{
    int sig = info.signo;
    bool is_realtime = sig >= abi::sigrtmin;
    if (has(sig) && !is_realtime)
        return true; // a standard signal is pending once
    // The instance's kernel memory bounds the queue too, for a user whose limit is infinite.
    if (queued_for(uid) >= limit || KernelMemory::charge(queued_signal_bytes).is_error()) {
        if (is_realtime)
            return false;
        mask.add(sig); // pending, its siginfo lost
        return true;
    }
    mask.add(sig);
    queue.push_back({info, uid});
    ++queued_by_uid()[uid];
    return true;
}

abi::SigInfo PendingSignals::take(int sig)
{
    abi::SigInfo info {};
    info.signo = sig;
    auto is_sig = [sig](const Entry& entry) { return entry.info.signo == sig; };
    if (auto it = std::find_if(queue.begin(), queue.end(), is_sig); it != queue.end()) {
        info = it->info;
        uncharge(*it);
        queue.erase(it);
    }
    if (std::none_of(queue.begin(), queue.end(), is_sig))
        mask.remove(sig);
    return info;
}

void PendingSignals::discard(int sig)
{
    mask.remove(sig);
    std::erase_if(queue, [sig](const Entry& entry) {
        if (entry.info.signo != sig)
            return false;
        uncharge(entry);
        return true;
    });
}

} // namespace asterix::services
