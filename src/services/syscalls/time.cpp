// clock_gettime, clock_getres, gettimeofday, time, nanosleep, clock_nanosleep

#include "frame/clock.h"
#include "frame/task.h"
#include "services/abi/time.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
constexpr i64 ns_per_s = 1'000'000'000;

Result<u64> read_clock(int clock)
{
    // The frame's clocks are the ones the vDSO reads: a syscall never disagrees with it.
    switch (clock) {
    case abi::clock_realtime:
        return frame::clock_ns(frame::Clock::realtime);
    case abi::clock_realtime_coarse:
        return frame::clock_ns(frame::Clock::realtime_coarse);
    case abi::clock_tai:
        return frame::clock_ns(frame::Clock::tai);
    case abi::clock_monotonic:
        return frame::clock_ns(frame::Clock::monotonic);
    case abi::clock_monotonic_raw:
        return frame::clock_ns(frame::Clock::monotonic_raw);
    case abi::clock_monotonic_coarse:
        return frame::clock_ns(frame::Clock::monotonic_coarse);
    case abi::clock_boottime:
        return frame::clock_ns(frame::Clock::boottime);
    case abi::clock_process_cputime_id:
        if (Process* process = ProcessTable::current())
            return process->cpu_times().user_ns + process->cpu_times().system_ns;
        return 0;
    case abi::clock_thread_cputime_id:
        if (Thread* thread = ProcessTable::current_thread())
            return thread->user_ns() + thread->system_ns();
        return 0;
    default:
        return Errno::einval;
    }
}

abi::Timespec to_timespec(u64 ns) { return {static_cast<i64>(ns / ns_per_s), static_cast<i64>(ns % ns_per_s)}; }

Result<u64> checked_ns(const abi::Timespec& ts)
{
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= ns_per_s)
        return Errno::einval;
    if (static_cast<u64>(ts.sec) > (~0ull - static_cast<u64>(ts.nsec)) / ns_per_s)
        return ~0ull;
    return static_cast<u64>(ts.sec) * ns_per_s + static_cast<u64>(ts.nsec);
}

/// Sleeps the calling thread until `clock` reaches `deadline_ns`; false when a signal woke it.
bool sleep_until_clock(Thread& thread, int clock, u64 deadline_ns)
{
    for (;;) {
        u64 now = read_clock(clock).value();
        if (deadline_ns <= now)
            return true;
        if (has_pending_signal(thread))
            return false;
        u64 delta = deadline_ns - now;
        u64 monotonic_now = frame::monotonic_ns();
        frame::sleep_until_interruptible(delta > ~0ull - monotonic_now ? ~0ull - 1 : monotonic_now + delta);
    }
}

/// The end of an interrupted sleep: remaining time for a relative sleep, and restart_syscall
/// continues it when no handler runs.
Result<long> interrupted_sleep(Context& ctx, int clock, int flags, u64 deadline, UserPtr<abi::Timespec> rem)
{
    if (!(flags & abi::timer_abstime) && !rem.is_null()) {
        u64 now = read_clock(clock).value();
        TRY(ctx.user().write(rem, to_timespec(deadline > now ? deadline - now : 0)));
    }
    ctx.thread().set_restart(deadline, clock);
    return Errno::erestart_restartblock;
}
} // namespace

Result<long> sys_clock_gettime(Context& ctx, int clock, UserPtr<abi::Timespec> tp)
{
    u64 now = TRY(read_clock(clock));
    TRY(ctx.user().write(tp, to_timespec(now)));
    return 0;
}

Result<long> sys_clock_getres(Context& ctx, int clock, UserPtr<abi::Timespec> tp)
{
    TRY(read_clock(clock));
    bool is_coarse = clock == abi::clock_realtime_coarse || clock == abi::clock_monotonic_coarse;
    u64 resolution_ns = frame::clock_resolution_ns(is_coarse ? frame::Clock::monotonic_coarse : frame::Clock::monotonic);
    if (!tp.is_null())
        TRY(ctx.user().write(tp, abi::Timespec {0, static_cast<i64>(resolution_ns)}));
    return 0;
}

Result<long> sys_gettimeofday(Context& ctx, UserPtr<abi::Timeval> tv, u64 tz)
{
    if (!tv.is_null()) {
        u64 now = frame::realtime_ns();
        TRY(ctx.user().write(tv, abi::Timeval {static_cast<i64>(now / ns_per_s), static_cast<i64>(now % ns_per_s / 1000)}));
    }
    if (tz) {
        // struct timezone: minutes west of Greenwich and DST type; the kernel keeps UTC.
        TRY(ctx.user().write(UserPtr<std::array<i32, 2>>(tz), std::array<i32, 2> {0, 0}));
    }
    return 0;
}

Result<long> sys_time(Context& ctx, UserPtr<i64> tloc)
{
    i64 now = static_cast<i64>(frame::realtime_ns() / ns_per_s);
    if (!tloc.is_null())
        TRY(ctx.user().write(tloc, now));
    return now;
}

Result<long> sys_nanosleep(Context& ctx, UserPtr<abi::Timespec> req, UserPtr<abi::Timespec> rem)
{
    return sys_clock_nanosleep(ctx, abi::clock_monotonic, 0, req, rem);
}

Result<long> sys_clock_nanosleep(Context& ctx, int clock, int flags, UserPtr<abi::Timespec> req, UserPtr<abi::Timespec> rem)
{
    // Linux's order: an unknown clock is EINVAL, one that cannot sleep EOPNOTSUPP, both before
    // the request is read. The alarm clocks need a wake-up device, which there is none of.
    switch (clock) {
    case abi::clock_thread_cputime_id:
    case abi::clock_monotonic_raw:
    case abi::clock_realtime_coarse:
    case abi::clock_monotonic_coarse:
    case abi::clock_realtime_alarm:
    case abi::clock_boottime_alarm:
        return Errno::enotsup; // EOPNOTSUPP
    default:
        break;
    }
    TRY(read_clock(clock));
    abi::Timespec request = TRY(ctx.user().read(req));
    u64 ns = TRY(checked_ns(request));
    u64 now = read_clock(clock).value();
    u64 deadline = (flags & abi::timer_abstime) ? ns : (ns > ~0ull - now ? ~0ull - 1 : now + ns);
    if (!sleep_until_clock(ctx.thread(), clock, deadline))
        return interrupted_sleep(ctx, clock, flags, deadline, rem);
    return 0;
}

Result<long> sys_restart_syscall(Context& ctx)
{
    // The only restartable call here is a sleep; it goes on to the deadline it had.
    Thread& thread = ctx.thread();
    if (!sleep_until_clock(thread, thread.restart().clock, thread.restart().deadline_ns))
        return interrupted_sleep(ctx, thread.restart().clock, abi::timer_abstime, thread.restart().deadline_ns, UserPtr<abi::Timespec>());
    return 0;
}

} // namespace asterix::services
