#pragma once

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "frame/task.h"
#include "services/abi/eventpoll.h"
#include "services/fs/file.h"

namespace asterix::services {

/// An epoll instance (epoll(7)): the files it watches, each with the events wanted and the
/// caller's data, and the list of entries whose file announced a change and may be ready. The
/// files push: an entry's watcher puts it on the ready list and wakes the waiters, and
/// epoll_wait asks only those entries' files for their readiness (Linux's rdllist).
class EpollFile final : public File {
public:
    explicit EpollFile(u32 status_flags);
    ~EpollFile() override;

    Result<usize> read(frame::UserWriter&) override { return Errno::einval; }
    Result<usize> write(frame::UserReader&) override { return Errno::einval; }
    Result<frame::FileStat> stat() override;
    u32 poll_events() override;
    PollQueue* poll_queue() override { return &m_poll_queue; }
    bool is_polled_by_time() override;
    std::string description() override;
    EpollFile* as_epoll() override { return this; }

    /// EPOLL_CTL_ADD: EEXIST when (file, fd) is watched already; ELOOP when `file` is an epoll
    /// that would close a loop or nest too deep.
    Result<void> add(File& file, int fd, u32 events, u64 data);
    /// EPOLL_CTL_MOD: ENOENT when not watched; EINVAL for an EPOLLEXCLUSIVE entry.
    Result<void> modify(File& file, int fd, u32 events, u64 data);
    /// EPOLL_CTL_DEL: ENOENT when not watched.
    Result<void> remove(File& file, int fd);

    /// Takes up to `max_events` ready events (ep_send_events): level-triggered entries that
    /// were ready stay on the ready list, edge-triggered ones leave it, one-shot ones are
    /// disabled until EPOLL_CTL_MOD.
    std::vector<abi::EpollEvent> take_events(usize max_events);
    /// Tasks in epoll_wait sleep here; any entry's news wakes them.
    frame::WaitQueue& waiters() { return m_waiters; }

private:
    struct Entry;
    using Key = std::pair<File*, int>;
    /// Why an entry leaves: EPOLL_CTL_DEL, or its file's last reference went.
    enum class Departure : u8 { removed, file_released };

    void on_change(Entry& entry, u32 events);
    void make_ready(Entry& entry);
    void forget(Entry& entry, Departure departure);
    void queue_timed_entries();
    /// Levels of epolls below this one (0 when it watches none); past `epoll_max_nests` it
    /// stops counting. Sets `reaches` when `target` is among them.
    int depth_below(const EpollFile* target, bool& reaches, int depth) const;
    /// Levels of epolls that watch this one, transitively.
    int depth_above(int depth) const;

    std::map<Key, std::unique_ptr<Entry>> m_entries;
    std::vector<Entry*> m_ready;
    /// The entries whose file may be polled by time: those files and every child epoll (whose
    /// answer changes with its own entries). Only these are looked at on every pass, so that a
    /// wait over many pushing files costs what is ready, not what is watched.
    std::vector<Entry*> m_timed;
    /// Entries that left while one of their own watchers ran; freed at the next call.
    std::vector<std::unique_ptr<Entry>> m_departed;
    /// The epolls that watch this one (once per entry), for the nesting limit.
    std::vector<EpollFile*> m_parents;
    PollQueue m_poll_queue;
    frame::WaitQueue m_waiters;
};

} // namespace asterix::services
