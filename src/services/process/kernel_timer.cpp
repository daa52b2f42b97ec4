#include "services/process/kernel_timer.h"

#include <algorithm>
#include <vector>

#include "frame/clock.h"
#include "frame/task.h"

namespace asterix::services {

/// The armed timers and the task that fires them: it sleeps until the earliest deadline and
/// ends when none is left (as the itimer task does).
struct KernelTimers {
    std::vector<KernelTimer*> armed;
    frame::WaitQueue changed;
    bool has_task {false};

    static KernelTimers& get()
    {
        static KernelTimers* state = new KernelTimers();
        return *state;
    }

    static void run()
    {
        auto& state = get();
        while (!state.armed.empty()) {
            u64 now = frame::monotonic_ns();
            u64 next = ~0ull;
            KernelTimer* due = nullptr;
            for (KernelTimer* timer : state.armed) {
                if (timer->m_deadline_ns <= now) {
                    due = timer;
                    break;
                }
                next = std::min(next, timer->m_deadline_ns);
            }
            if (due) {
                // Disarmed before the call, so the callback may arm it again.
                due->cancel();
                due->m_on_expiry();
                continue;
            }
            state.changed.wait_until(next, frame::Interruptible::no);
        }
        state.has_task = false;
    }
};

void KernelTimer::arm(u64 deadline_ns)
{
    auto& state = KernelTimers::get();
    if (!m_is_armed)
        state.armed.push_back(this);
    m_is_armed = true;
    m_deadline_ns = deadline_ns;
    if (!state.has_task) {
        state.has_task = true;
        // Timers stand in for interrupt handlers: no guest thread, real-time or not,
        // may keep them from firing.
        frame::spawn_task("kernel timers", KernelTimers::run).set_scheduling_class(frame::SchedulingClass::realtime(frame::SchedulingClass::max_priority, 0));
    }
    state.changed.wake_all();
}

void KernelTimer::cancel()
{
    if (!m_is_armed)
        return;
    auto& state = KernelTimers::get();
    std::erase(state.armed, this);
    m_is_armed = false;
}

} // namespace asterix::services
