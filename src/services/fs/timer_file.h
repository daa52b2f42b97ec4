#pragma once

#include "frame/task.h"
#include "services/abi/timerfd.h"
#include "services/fs/file.h"
#include "services/process/kernel_timer.h"

namespace asterix::services {

/// A timerfd (timerfd_create(2)): a timer on one clock whose expirations a read returns as a
/// count (8 bytes), waiting for the first one unless non-blocking. Like Linux's, a periodic
/// timer is woken once per read: the expirations in between are counted, not announced.
class TimerFile final : public File {
public:
    /// Which clock the deadline is on: the real-time clock (CLOCK_REALTIME and its _ALARM) or
    /// the monotonic one (MONOTONIC, BOOTTIME and BOOTTIME_ALARM: Asterix never suspends).
    enum class Clock : u8 { realtime, monotonic };
    TimerFile(int clock_id, Clock clock, u32 status_flags);

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader&) override { return Errno::einval; }
    Result<frame::FileStat> stat() override;
    u32 poll_events() override { return expirations() ? u32 {abi::pollin | abi::pollrdnorm} : 0u; }
    PollQueue* poll_queue() override { return &m_poll_queue; }
    std::string description() override;
    TimerFile* as_timer() override { return this; }

    /// timerfd_settime: arms (or, with a zero value, disarms) the timer; returns the old setting.
    abi::ITimerSpec set(const abi::ITimerSpec& spec, bool is_absolute);
    /// timerfd_gettime: the time to the next expiration and the interval.
    abi::ITimerSpec get();

private:
    u64 now_ns() const;
    /// Expirations since the timer was armed or last read.
    u64 expirations() const;
    /// Asks the kernel timer to wake pollers and readers at the next deadline.
    void schedule();
    void expired();

    int m_clock_id;
    Clock m_clock;
    u64 m_deadline_ns {0}; ///< on m_clock; 0 when disarmed
    u64 m_interval_ns {0};
    KernelTimer m_timer;
    frame::WaitQueue m_readers;
    PollQueue m_poll_queue;
};

} // namespace asterix::services
