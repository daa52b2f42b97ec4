#include "services/fs/poll_queue.h"

#include <algorithm>

namespace asterix::services {

void PollWatcher::attach(PollQueue& queue)
{
    detach();
    queue.m_watchers.push_back(this);
    m_queue = &queue;
}

void PollWatcher::detach()
{
    if (!m_queue)
        return;
    auto& watchers = m_queue->m_watchers;
    watchers.erase(std::remove(watchers.begin(), watchers.end(), this), watchers.end());
    m_queue = nullptr;
}

PollQueue::~PollQueue()
{
    for (PollWatcher* watcher : m_watchers)
        watcher->m_queue = nullptr;
}

void PollQueue::notify(u32 events)
{
    // A callback may detach other watchers of this queue (an epoll entry whose file is being
    // released goes away), so walk a copy and skip those that left meanwhile.
    auto watchers = m_watchers;
    for (PollWatcher* watcher : watchers) {
        if (std::find(m_watchers.begin(), m_watchers.end(), watcher) != m_watchers.end())
            watcher->m_on_change(events);
    }
}

} // namespace asterix::services
