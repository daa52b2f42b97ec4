#include "services/process/itimer.h"

#include <map>

#include "frame/clock.h"
#include "frame/task.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {

struct Timers {
    std::map<i32, RealTimer> by_pid;
    frame::WaitQueue changed;
    bool has_task {false};
};

Timers& timers()
{
    static Timers* state = new Timers();
    return *state;
}

/// The kernel task that fires real timers: it sleeps until the next deadline.
void run_timers()
{
    auto& state = timers();
    while (!state.by_pid.empty()) {
        u64 now = frame::monotonic_ns();
        u64 next = ~0ull;
        for (auto it = state.by_pid.begin(); it != state.by_pid.end();) {
            Process* process = ProcessTable::find(it->first);
            if (!process || process->has_exited) {
                it = state.by_pid.erase(it);
                continue;
            }
            RealTimer& timer = it->second;
            if (timer.deadline_ns <= now) {
                send_signal(*process, make_signal_info(sigalrm, si_kernel));
                if (timer.interval_ns) {
                    timer.deadline_ns = now + timer.interval_ns;
                } else {
                    it = state.by_pid.erase(it);
                    continue;
                }
            }
            next = std::min(next, timer.deadline_ns);
            ++it;
        }
        if (state.by_pid.empty())
            break;
        state.changed.wait_until(next, frame::Interruptible::no);
    }
    state.has_task = false;
}

} // namespace

RealTimer get_real_timer(Process& process)
{
    auto it = timers().by_pid.find(process.pid());
    return it == timers().by_pid.end() ? RealTimer {} : it->second;
}

RealTimer set_real_timer(Process& process, u64 value_ns, u64 interval_ns)
{
    auto& state = timers();
    RealTimer old = get_real_timer(process);
    if (value_ns == 0) {
        state.by_pid.erase(process.pid());
    } else {
        state.by_pid[process.pid()] = {frame::monotonic_ns() + value_ns, interval_ns};
        if (!state.has_task) {
            state.has_task = true;
            frame::spawn_task("itimers", run_timers);
        }
    }
    state.changed.wake_all();
    return old;
}

void drop_real_timer(Process& process)
{
    timers().by_pid.erase(process.pid());
    timers().changed.wake_all();
}

} // namespace asterix::services
