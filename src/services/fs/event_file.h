#pragma once

#include "frame/task.h"
#include "services/fs/file.h"

namespace asterix::services {

/// An eventfd (eventfd(2)): a 64-bit counter that writes add to and reads take (all of it, or
/// one in semaphore mode). A read of an empty counter and a write that would pass
/// 0xfffffffffffffffe wait, or fail with EAGAIN when non-blocking.
class EventFile final : public File {
public:
    enum class Mode : u8 { counter, semaphore };
    EventFile(u64 initial, Mode mode, u32 status_flags) : File(status_flags), m_count(initial), m_mode(mode) {}

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<frame::FileStat> stat() override;
    u32 poll_events() override;
    PollQueue* poll_queue() override { return &m_poll_queue; }
    std::string description() override;
    EventFile* as_eventfd() override { return this; }
    /// The kernel's own write of 1 (Linux's eventfd_signal, as AIO tells of a completion): it
    /// never waits; at the counter's top it adds nothing.
    void signal();

private:
    static constexpr u64 max_count = ~0ull - 1;

    u64 m_count;
    Mode m_mode;
    frame::WaitQueue m_readers;
    frame::WaitQueue m_writers;
    PollQueue m_poll_queue;
};

} // namespace asterix::services
