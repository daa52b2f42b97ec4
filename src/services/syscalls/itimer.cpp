// alarm, setitimer, getitimer

#include "frame/clock.h"
#include "services/abi/time.h"
#include "services/process/itimer.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

abi::Timeval to_timeval(u64 ns) { return {static_cast<i64>(ns / 1'000'000'000), static_cast<i64>(ns % 1'000'000'000 / 1000)}; }

abi::ITimerVal current_value(Process& process)
{
    RealTimer timer = get_real_timer(process);
    u64 now = frame::monotonic_ns();
    u64 left = timer.deadline_ns > now ? timer.deadline_ns - now : (timer.deadline_ns ? 1000 : 0);
    return {to_timeval(timer.interval_ns), to_timeval(left)};
}
} // namespace

Result<long> sys_alarm(Context& ctx, u32 seconds)
{
    RealTimer old = set_real_timer(ctx.process(), u64 {seconds} * 1'000'000'000, 0);
    if (!old.deadline_ns)
        return 0;
    u64 now = frame::monotonic_ns();
    u64 left = old.deadline_ns > now ? old.deadline_ns - now : 0;
    // alarm(2) rounds the remaining time to whole seconds, never down to 0.
    return static_cast<long>(std::max<u64>(1, (left + 500'000'000) / 1'000'000'000));
}

Result<long> sys_getitimer(Context& ctx, int which, UserPtr<abi::ITimerVal> value)
{
    if (which < abi::itimer_real || which > abi::itimer_prof)
        return Errno::einval;
    abi::ITimerVal out {};
    if (which == abi::itimer_real) {
        out = current_value(ctx.process());
    } else {
        auto timer = get_cpu_timer(ctx.process(), which);
        out = {to_timeval(timer.interval_ns), to_timeval(timer.deadline_ns)};
    }
    TRY(ctx.user().write(value, out));
    return 0;
}

Result<long> sys_setitimer(Context& ctx, int which, UserPtr<abi::ITimerVal> new_value, UserPtr<abi::ITimerVal> old_value)
{
    if (which < abi::itimer_real || which > abi::itimer_prof)
        return Errno::einval;
    abi::ITimerVal value {};
    if (!new_value.is_null())
        value = TRY(ctx.user().read(new_value));
    auto check = [](const abi::Timeval& tv) { return tv.sec >= 0 && tv.usec >= 0 && tv.usec < 1'000'000; };
    if (!check(value.interval) || !check(value.value))
        return Errno::einval;
    auto ns = [](const abi::Timeval& tv) { return static_cast<u64>(tv.sec) * 1'000'000'000 + static_cast<u64>(tv.usec) * 1000; };
    abi::ITimerVal old {};
    if (which == abi::itimer_real) {
        old = current_value(ctx.process());
        set_real_timer(ctx.process(), ns(value.value), ns(value.interval));
    } else {
        auto was = set_cpu_timer(ctx.process(), which, ns(value.value), ns(value.interval));
        old = {to_timeval(was.interval_ns), to_timeval(was.deadline_ns)};
    }
    if (!old_value.is_null())
        TRY(ctx.user().write(old_value, old));
    return 0;
}

} // namespace asterix::services
