#include "services/process/posix_timer.h"

#include <algorithm>
#include <map>
#include <memory>

#include "frame/clock.h"
#include "services/process/kernel_timer.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {

constexpr u64 ns_per_sec = 1'000'000'000;
/// A process may have this many timers (Linux's limit is RLIMIT_SIGPENDING's; this is plenty).
constexpr usize max_timers_per_process = 4096;

u64 to_ns(const abi::Timespec& ts)
{
    if (static_cast<u64>(ts.sec) >= ~0ull / ns_per_sec / 4)
        return ~0ull / 4;
    return static_cast<u64>(ts.sec) * ns_per_sec + static_cast<u64>(ts.nsec);
}

abi::Timespec to_timespec(u64 ns) { return {static_cast<i64>(ns / ns_per_sec), static_cast<i64>(ns % ns_per_sec)}; }

struct PosixTimer {
    PosixTimer(Process& process, int id, bool is_realtime, const abi::SigEvent& event)
        : process(process), pid(process.pid()), id(id), is_realtime(is_realtime), event(event), kernel_timer([this] { fire(); })
    {
    }

    Process& process;
    i32 pid;
    int id;
    bool is_realtime;
    abi::SigEvent event;
    u64 deadline_ns {0}; ///< on the timer's clock; 0 when disarmed
    u64 interval_ns {0};
    /// Overruns of the signal now queued (or, once it is delivered, of the last delivered).
    int overrun {0};
    /// Overruns of the last delivered signal while a newer one is queued (timer_getoverrun
    /// reports the delivered one's).
    int delivered_overrun {0};
    KernelTimer kernel_timer;

    u64 now() const { return is_realtime ? frame::realtime_ns() : frame::monotonic_ns(); }
    bool is_alive() const { return ProcessTable::find(pid) == &process && !process.has_exited() && !process.is_exiting(); }

    void schedule()
    {
        if (!deadline_ns) {
            kernel_timer.cancel();
            return;
        }
        u64 current = now();
        kernel_timer.arm(frame::monotonic_ns() + (deadline_ns > current ? deadline_ns - current : 0));
    }

    /// The siginfo of this timer still queued for delivery, if any: a new expiry then only
    /// counts an overrun (one signal per timer at a time, as Linux's).
    abi::SigInfo* queued_signal()
    {
        auto find_in = [this](PendingSignals& pending) -> abi::SigInfo* {
            for (auto& entry : pending.queue) {
                if (entry.info.code == abi::si_timer && static_cast<i32>(entry.info.fields[0]) == id && entry.info.signo == event.signo)
                    return &entry.info;
            }
            return nullptr;
        };
        if (abi::SigInfo* info = find_in(process.shared_pending()))
            return info;
        for (auto& thread : process.threads()) {
            if (abi::SigInfo* info = find_in(thread->pending()))
                return info;
        }
        return nullptr;
    }

    void fire()
    {
        if (!is_alive() || !deadline_ns)
            return;
        u64 current = now();
        if (current < deadline_ns) {
            schedule(); // early by the clocks' difference
            return;
        }
        // Expirations the timer task was too late for count as overruns.
        u64 missed = interval_ns ? (current - deadline_ns) / interval_ns : 0;
        if (interval_ns)
            deadline_ns += (missed + 1) * interval_ns;
        else
            deadline_ns = 0;
        if (event.notify != abi::sigev_none) {
            if (abi::SigInfo* queued = queued_signal()) {
                overrun += static_cast<int>(std::min<u64>(missed + 1, 0x7fffffff - static_cast<u64>(overrun)));
                queued->fields[0] = static_cast<u32>(id) | (u64 {static_cast<u32>(overrun)} << 32);
            } else {
                delivered_overrun = overrun;
                overrun = static_cast<int>(std::min<u64>(missed, 0x7fffffff));
                abi::SigInfo info {};
                info.signo = event.signo;
                info.code = abi::si_timer;
                info.fields[0] = static_cast<u32>(id) | (u64 {static_cast<u32>(overrun)} << 32);
                info.fields[1] = event.value;
                Thread* thread = event.notify == abi::sigev_thread_id ? ProcessTable::find_thread(event.thread_id) : nullptr;
                if (thread && &thread->process() == &process)
                    send_signal(*thread, info);
                else
                    send_signal(process, info);
            }
        }
        schedule();
    }

    abi::ITimerSpec get() const
    {
        abi::ITimerSpec spec {};
        spec.interval = to_timespec(interval_ns);
        u64 current = now();
        if (deadline_ns > current)
            spec.value = to_timespec(deadline_ns - current);
        else if (deadline_ns)
            spec.value = {0, 1}; // due now: the timer task is on its way
        return spec;
    }
};

using Timers = std::map<std::pair<const Process*, int>, std::unique_ptr<PosixTimer>>;

Timers& all_timers()
{
    static Timers* timers = new Timers();
    return *timers;
}

/// The next id to hand out, by process (with its pid, so that a new process at a freed
/// process's address starts again from 0).
std::map<const Process*, std::pair<i32, int>>& next_ids()
{
    static auto* ids = new std::map<const Process*, std::pair<i32, int>>();
    return *ids;
}

/// Forgets the timers of processes that are gone (their Process may be freed: only the pid
/// and the address are compared, never followed).
void drop_dead_timers()
{
    auto& timers = all_timers();
    std::erase_if(timers, [](const auto& item) { return !item.second->is_alive(); });
    std::erase_if(next_ids(), [](const auto& item) { return ProcessTable::find(item.second.first) != item.first; });
}

Result<PosixTimer*> find_timer(Process& process, int id)
{
    drop_dead_timers();
    auto it = all_timers().find({&process, id});
    if (it == all_timers().end())
        return Errno::einval;
    return it->second.get();
}

} // namespace

Result<int> create_posix_timer(Process& process, bool is_realtime, const std::optional<abi::SigEvent>& event)
{
    drop_dead_timers();
    auto& timers = all_timers();
    usize count = 0;
    for (auto it = timers.lower_bound({&process, 0}); it != timers.end() && it->first.first == &process; ++it)
        ++count;
    if (count >= max_timers_per_process)
        return Errno::eagain;
    // Ids count up per process and wrap, skipping those in use, as Linux's posix_timer_add.
    auto& next = next_ids()[&process];
    if (next.first != process.pid())
        next = {process.pid(), 0};
    int id = next.second;
    while (timers.contains({&process, id}))
        id = (id + 1) & 0x7fffffff;
    next.second = (id + 1) & 0x7fffffff;
    abi::SigEvent wanted {};
    if (event) {
        wanted = *event;
    } else {
        wanted.notify = abi::sigev_signal;
        wanted.signo = sigalrm;
        wanted.value = static_cast<u64>(id);
    }
    timers.emplace(std::pair<const Process*, int> {&process, id}, std::make_unique<PosixTimer>(process, id, is_realtime, wanted));
    return id;
}

Result<void> delete_posix_timer(Process& process, int id)
{
    TRY(find_timer(process, id));
    all_timers().erase({&process, id});
    return {};
}

Result<abi::ITimerSpec> set_posix_timer(Process& process, int id, const abi::ITimerSpec& spec, bool is_absolute)
{
    PosixTimer* timer = TRY(find_timer(process, id));
    abi::ITimerSpec old = timer->get();
    u64 value = to_ns(spec.value);
    timer->interval_ns = value ? to_ns(spec.interval) : 0;
    timer->overrun = 0;
    timer->delivered_overrun = 0;
    if (!value)
        timer->deadline_ns = 0;
    else if (is_absolute)
        timer->deadline_ns = value;
    else
        timer->deadline_ns = timer->now() + value;
    timer->schedule();
    return old;
}

Result<abi::ITimerSpec> get_posix_timer(Process& process, int id) { return TRY(find_timer(process, id))->get(); }

Result<int> posix_timer_overrun(Process& process, int id)
{
    PosixTimer* timer = TRY(find_timer(process, id));
    return timer->queued_signal() ? timer->delivered_overrun : timer->overrun;
}

void drop_posix_timers(Process& process)
{
    std::erase_if(all_timers(), [&process](const auto& item) { return item.first.first == &process; });
    next_ids().erase(&process);
}

} // namespace asterix::services
