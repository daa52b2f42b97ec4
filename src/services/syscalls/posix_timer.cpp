// timer_create, timer_settime, timer_gettime, timer_getoverrun, timer_delete

#include "services/process/posix_timer.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

bool is_valid(const abi::Timespec& ts) { return ts.sec >= 0 && ts.nsec >= 0 && ts.nsec < 1'000'000'000; }

/// good_sigevent: a signal in range for SIGEV_SIGNAL (and SIGEV_THREAD, which glibc turns into
/// SIGEV_THREAD_ID itself), a thread of the caller's process for SIGEV_THREAD_ID.
bool is_good_event(Context& ctx, const abi::SigEvent& event)
{
    switch (event.notify) {
    case abi::sigev_signal | abi::sigev_thread_id: {
        Thread* thread = ProcessTable::find_thread(event.thread_id);
        if (!thread || &thread->process() != &ctx.process())
            return false;
        [[fallthrough]];
    }
    case abi::sigev_signal:
    case abi::sigev_thread:
        return event.signo > 0 && event.signo <= abi::signal_count;
    case abi::sigev_none:
        return true;
    default:
        return false;
    }
}

} // namespace

Result<long> sys_timer_create(Context& ctx, int clock_id, UserPtr<abi::SigEvent> event_ptr, UserPtr<i32> id_ptr)
{
    std::optional<abi::SigEvent> event;
    if (!event_ptr.is_null())
        event = TRY(ctx.user().read(event_ptr));
    bool is_realtime = false;
    bool is_alarm = false;
    switch (clock_id) {
    case abi::clock_realtime:
    case abi::clock_tai:
        is_realtime = true;
        break;
    case abi::clock_monotonic:
    case abi::clock_boottime:
        break;
    case abi::clock_realtime_alarm:
        is_realtime = is_alarm = true;
        break;
    case abi::clock_boottime_alarm:
        is_alarm = true;
        break;
    case abi::clock_monotonic_raw:
    case abi::clock_realtime_coarse:
    case abi::clock_monotonic_coarse:
        return Errno::enotsup;
    default:
        // FIXME: the CPU-time clocks (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID and the
        // per-pid ones) take timers on Linux; Asterix does not count CPU time finely enough yet.
        return Errno::einval;
    }
    if (event && !is_good_event(ctx, *event))
        return Errno::einval;
    int id = TRY(create_posix_timer(ctx.process(), is_realtime, event));
    auto written = ctx.user().write(id_ptr, i32 {id});
    if (written.is_error() || (is_alarm && !ctx.thread().credentials().has_capability(abi::Capability::wake_alarm))) {
        static_cast<void>(delete_posix_timer(ctx.process(), id));
        return written.is_error() ? written.error() : Errno::eperm;
    }
    return 0;
}

Result<long> sys_timer_settime(Context& ctx, i32 id, int flags, UserPtr<abi::ITimerSpec> new_value, UserPtr<abi::ITimerSpec> old_value)
{
    if (new_value.is_null())
        return Errno::einval;
    auto spec = TRY(ctx.user().read(new_value));
    if (!is_valid(spec.value) || !is_valid(spec.interval))
        return Errno::einval;
    auto old = TRY(set_posix_timer(ctx.process(), id, spec, flags & abi::timer_abstime));
    if (!old_value.is_null())
        TRY(ctx.user().write(old_value, old));
    return 0;
}

Result<long> sys_timer_gettime(Context& ctx, i32 id, UserPtr<abi::ITimerSpec> cur_value)
{
    auto spec = TRY(get_posix_timer(ctx.process(), id));
    TRY(ctx.user().write(cur_value, spec));
    return 0;
}

Result<long> sys_timer_getoverrun(Context& ctx, i32 id) { return TRY(posix_timer_overrun(ctx.process(), id)); }

Result<long> sys_timer_delete(Context& ctx, i32 id)
{
    TRY(delete_posix_timer(ctx.process(), id));
    return 0;
}

} // namespace asterix::services
