#pragma once

#include <functional>
#include <vector>

#include "frame/types.h"

namespace asterix::services {

class PollQueue;

/// One party that wants to hear when a source's readiness may have changed: a poll or select
/// call, an epoll entry (Linux's wait_queue_entry with a wake function). The callback runs in
/// whatever task changed the state, so it must only record the news and wake someone: it may
/// not block, look at the file, or destroy a watcher. A watcher detaches itself when destroyed.
class PollWatcher {
public:
    /// `on_change` gets the bits that may have changed (0 when the source does not say).
    explicit PollWatcher(std::function<void(u32 events)> on_change) : m_on_change(std::move(on_change)) {}
    PollWatcher(const PollWatcher&) = delete;
    PollWatcher& operator=(const PollWatcher&) = delete;
    ~PollWatcher() { detach(); }

    /// Starts watching `queue` (after leaving the queue watched before, if any).
    void attach(PollQueue& queue);
    void detach();
    bool is_attached() const { return m_queue != nullptr; }

private:
    friend class PollQueue;
    std::function<void(u32)> m_on_change;
    PollQueue* m_queue {nullptr};
};

/// The watchers of one source of readiness: a pipe's buffer, a terminal, an eventfd, an epoll
/// (Linux's wait_queue_head as poll uses it). The source calls notify() whenever what poll
/// would answer may have changed. A queue that goes away first detaches its watchers.
class PollQueue {
public:
    PollQueue() = default;
    PollQueue(const PollQueue&) = delete;
    PollQueue& operator=(const PollQueue&) = delete;
    ~PollQueue();

    /// Tells every watcher that readiness may have changed; `events` names the bits that may
    /// have (POLLIN after a write, POLLOUT after a read), or 0 for any.
    void notify(u32 events = 0);
    bool has_watchers() const { return !m_watchers.empty(); }

private:
    friend class PollWatcher;
    std::vector<PollWatcher*> m_watchers;
};

} // namespace asterix::services
