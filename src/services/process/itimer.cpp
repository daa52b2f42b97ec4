#include "services/process/itimer.h"

#include <map>

#include "frame/clock.h"
#include "frame/task.h"
#include "services/abi/time.h"
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
            if (!process || process->has_exited()) {
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
            // Timers stand in for interrupt handlers: no guest thread, real-time or not,
            // may keep them from firing.
            frame::spawn_task("itimers", run_timers).set_scheduling_class(frame::SchedulingClass::realtime(frame::SchedulingClass::max_priority, 0));
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

namespace {
/// The process CPU time a CPU timer counts: user time for ITIMER_VIRTUAL, all of it for
/// ITIMER_PROF.
u64 cpu_clock(const Process& process, usize index) { return index == 0 ? process.cpu_times().user_ns : process.cpu_times().user_ns + process.cpu_times().system_ns; }

usize cpu_timer_index(int which) { return which == abi::itimer_virtual ? 0 : 1; }
} // namespace

Process::CpuTimer get_cpu_timer(Process& process, int which)
{
    usize index = cpu_timer_index(which);
    const auto& timer = process.cpu_timer(index);
    if (!timer.deadline_ns)
        return {0, timer.interval_ns};
    u64 now = cpu_clock(process, index);
    // A timer due but not yet fired reads as about to expire, never as disarmed.
    return {timer.deadline_ns > now ? timer.deadline_ns - now : 1000, timer.interval_ns};
}

Process::CpuTimer set_cpu_timer(Process& process, int which, u64 value_ns, u64 interval_ns)
{
    Process::CpuTimer old = get_cpu_timer(process, which);
    usize index = cpu_timer_index(which);
    auto& timer = process.cpu_timer(index);
    timer.deadline_ns = value_ns ? cpu_clock(process, index) + value_ns : 0;
    timer.interval_ns = value_ns ? interval_ns : 0;
    return old;
}

void check_cpu_timers(Process& process)
{
    constexpr std::array<Signal, 2> signals {sigvtalrm, sigprof};
    for (usize index = 0; index < signals.size(); ++index) {
        auto& timer = process.cpu_timer(index);
        u64 now = cpu_clock(process, index);
        if (!timer.deadline_ns || now < timer.deadline_ns)
            continue;
        send_signal(process, make_signal_info(signals[index], si_kernel));
        // One signal for a stretch however many intervals it covered, as Linux's tick-based
        // accounting gives; the next expiry is an interval from now.
        timer.deadline_ns = timer.interval_ns ? now + timer.interval_ns : 0;
    }
}

} // namespace asterix::services
