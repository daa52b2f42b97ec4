#pragma once

#include <functional>

#include "frame/types.h"

namespace asterix::services {

/// A function called once at a monotonic deadline, from the kernel's timer task (timerfd
/// expiries, later POSIX timers). The callback runs in that task, not in a guest thread: it
/// may wake tasks and notify poll queues but must not block. Destroying the timer cancels it.
class KernelTimer {
public:
    explicit KernelTimer(std::function<void()> on_expiry) : m_on_expiry(std::move(on_expiry)) {}
    KernelTimer(const KernelTimer&) = delete;
    KernelTimer& operator=(const KernelTimer&) = delete;
    ~KernelTimer() { cancel(); }

    /// Fires at `deadline_ns` (monotonic), replacing an earlier arming.
    void arm(u64 deadline_ns);
    void cancel();
    bool is_armed() const { return m_is_armed; }

private:
    friend struct KernelTimers;
    std::function<void()> m_on_expiry;
    u64 m_deadline_ns {0};
    bool m_is_armed {false};
};

} // namespace asterix::services
