#include "services/fs/epoll_file.h"

#include <algorithm>

#include "services/fs/anon_file.h"

namespace asterix::services {

namespace {
/// Bits of an entry's events that are modes, not readiness (Linux's EP_PRIVATE_BITS). A one-shot
/// entry that fired keeps only these, so it reports nothing until EPOLL_CTL_MOD.
constexpr u32 private_bits = abi::epollwakeup | abi::epolloneshot | abi::epollet | abi::epollexclusive;
} // namespace

struct EpollFile::Entry {
    Entry(EpollFile& owner, File& file, int fd, u32 events, u64 data)
        : file(file), child(file.as_epoll()), fd(fd), events(events), data(data),
          readiness([&owner, this](u32 changed) { owner.on_change(*this, changed); }),
          release([&owner, this](u32) { owner.forget(*this, Departure::file_released); })
    {
    }

    File& file;
    /// The file as an epoll, when it is one (kept: a file being released is no longer one).
    EpollFile* child;
    int fd;
    u32 events;
    u64 data;
    bool is_ready {false};
    PollWatcher readiness;
    PollWatcher release;
};

EpollFile::EpollFile(u32 status_flags) : File(status_flags) {}

EpollFile::~EpollFile()
{
    for (auto& [key, entry] : m_entries) {
        if (entry->child)
            std::erase(entry->child->m_parents, this);
    }
}

Result<frame::FileStat> EpollFile::stat() { return anon_file_stat(); }

std::string EpollFile::description() { return anon_file_description("eventpoll"); }

void EpollFile::on_change(Entry& entry, u32 changed)
{
    if (!(entry.events & ~private_bits))
        return; // a one-shot entry that fired
    // A source that names what changed wakes only entries that want it (ep_poll_callback).
    if (changed && !(changed & entry.events))
        return;
    make_ready(entry);
}

void EpollFile::make_ready(Entry& entry)
{
    if (!entry.is_ready) {
        entry.is_ready = true;
        m_ready.push_back(&entry);
    }
    m_waiters.wake_all();
    m_poll_queue.notify(abi::epollin);
}

void EpollFile::forget(Entry& entry, Departure departure)
{
    std::erase(m_ready, &entry);
    std::erase(m_timed, &entry);
    // A child epoll that is being released has lost its members already.
    if (entry.child && departure == Departure::removed) {
        auto& parents = entry.child->m_parents;
        if (auto it = std::find(parents.begin(), parents.end(), this); it != parents.end())
            parents.erase(it);
    }
    entry.readiness.detach();
    entry.release.detach();
    auto it = m_entries.find({&entry.file, entry.fd});
    // The entry may be running its own watcher's callback: keep it until the next call.
    m_departed.push_back(std::move(it->second));
    m_entries.erase(it);
}

void EpollFile::queue_timed_entries()
{
    m_departed.clear();
    // Files the host feeds tell nobody when they change: look at them on every pass.
    for (Entry* entry : m_timed) {
        if (!entry->is_ready && entry->file.is_polled_by_time()) {
            entry->is_ready = true;
            m_ready.push_back(entry);
        }
    }
}

int EpollFile::depth_below(const EpollFile* target, bool& reaches, int depth) const
{
    int result = 0;
    for (const auto& [key, entry] : m_entries) {
        if (!entry->child)
            continue;
        if (entry->child == target || depth > abi::epoll_max_nests) {
            reaches |= entry->child == target;
            return abi::epoll_max_nests + 1;
        }
        result = std::max(result, entry->child->depth_below(target, reaches, depth + 1) + 1);
        if (result > abi::epoll_max_nests)
            break;
    }
    return result;
}

int EpollFile::depth_above(int depth) const
{
    int result = 0;
    if (depth > abi::epoll_max_nests)
        return result;
    for (const EpollFile* parent : m_parents)
        result = std::max(result, parent->depth_above(depth + 1) + 1);
    return result;
}

Result<void> EpollFile::add(File& file, int fd, u32 events, u64 data)
{
    m_departed.clear();
    if (EpollFile* child = file.as_epoll()) {
        // ep_loop_check: no path back to this epoll, and no chain of more than
        // EPOLL_MAX_NESTS + 1 instances through the new link.
        bool reaches = false;
        int below = child->depth_below(this, reaches, 0);
        if (reaches || below + 1 + depth_above(0) > abi::epoll_max_nests)
            return Errno::eloop;
    }
    Key key {&file, fd};
    if (m_entries.contains(key))
        return Errno::eexist;
    auto owned = std::make_unique<Entry>(*this, file, fd, events | abi::epollerr | abi::epollhup, data);
    Entry& entry = *owned;
    m_entries.emplace(key, std::move(owned));
    file.watch_readiness(entry.readiness);
    file.watch_release(entry.release);
    if (entry.child)
        entry.child->m_parents.push_back(this);
    if (entry.child || file.is_polled_by_time())
        m_timed.push_back(&entry);
    if (file.poll_events() & entry.events & ~private_bits)
        make_ready(entry);
    return {};
}

Result<void> EpollFile::modify(File& file, int fd, u32 events, u64 data)
{
    m_departed.clear();
    auto it = m_entries.find({&file, fd});
    if (it == m_entries.end())
        return Errno::enoent;
    Entry& entry = *it->second;
    if (entry.events & abi::epollexclusive)
        return Errno::einval;
    entry.events = events | abi::epollerr | abi::epollhup;
    entry.data = data;
    if (file.poll_events() & entry.events & ~private_bits)
        make_ready(entry);
    return {};
}

Result<void> EpollFile::remove(File& file, int fd)
{
    m_departed.clear();
    auto it = m_entries.find({&file, fd});
    if (it == m_entries.end())
        return Errno::enoent;
    forget(*it->second, Departure::removed);
    m_departed.clear();
    return {};
}

std::vector<abi::EpollEvent> EpollFile::take_events(usize max_events)
{
    queue_timed_entries();
    std::vector<Entry*> batch;
    batch.swap(m_ready);
    for (Entry* entry : batch)
        entry->is_ready = false;
    std::vector<abi::EpollEvent> out;
    std::vector<Entry*> still_ready;
    for (usize i = 0; i < batch.size(); ++i) {
        Entry& entry = *batch[i];
        if (out.size() >= max_events) {
            // No room this time: the rest stay queued, in order, for the next call.
            still_ready.insert(still_ready.end(), batch.begin() + static_cast<long>(i), batch.end());
            break;
        }
        u32 revents = entry.file.poll_events() & entry.events & ~private_bits;
        if (!revents)
            continue;
        out.push_back({revents, static_cast<u32>(entry.data), static_cast<u32>(entry.data >> 32)});
        if (entry.events & abi::epolloneshot)
            entry.events &= private_bits;
        else if (!(entry.events & abi::epollet))
            still_ready.push_back(&entry); // level-triggered: looked at again next time
    }
    for (Entry* entry : still_ready) {
        if (!entry->is_ready) {
            entry->is_ready = true;
            m_ready.push_back(entry);
        }
    }
    return out;
}

u32 EpollFile::poll_events()
{
    queue_timed_entries();
    for (Entry* entry : m_ready) {
        if (entry->file.poll_events() & entry->events & ~private_bits)
            return abi::epollin | abi::epollrdnorm;
    }
    return 0;
}

bool EpollFile::is_polled_by_time()
{
    return std::any_of(m_timed.begin(), m_timed.end(), [](Entry* entry) { return entry->file.is_polled_by_time(); });
}

} // namespace asterix::services
