// timerfd_create, timerfd_settime, timerfd_gettime

#include "services/abi/timerfd.h"
#include "services/fs/timer_file.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

bool is_valid(const abi::Timespec& ts) { return ts.sec >= 0 && ts.nsec >= 0 && ts.nsec < 1'000'000'000; }

Result<TimerFile*> timer_file(const Ref<File>& file)
{
    TimerFile* timer = file->as_timer();
    if (!timer)
        return Errno::einval;
    return timer;
}

} // namespace

Result<long> sys_timerfd_create(Context& ctx, int clock_id, int flags)
{
    u32 bits = static_cast<u32>(flags);
    if (bits & ~(abi::tfd_cloexec | abi::tfd_nonblock))
        return Errno::einval;
    TimerFile::Clock clock;
    switch (clock_id) {
    case abi::clock_realtime:
    case abi::clock_realtime_alarm:
        clock = TimerFile::Clock::realtime;
        break;
    case abi::clock_monotonic:
    case abi::clock_boottime:
    case abi::clock_boottime_alarm:
        clock = TimerFile::Clock::monotonic;
        break;
    default:
        return Errno::einval;
    }
    bool is_alarm = clock_id == abi::clock_realtime_alarm || clock_id == abi::clock_boottime_alarm;
    if (is_alarm && !ctx.thread().credentials().has_capability(abi::Capability::wake_alarm))
        return Errno::eperm;
    auto file = make_ref<TimerFile>(clock_id, clock, o_rdwr | (bits & abi::tfd_nonblock));
    return TRY(ctx.files().install(file, bits & abi::tfd_cloexec, 0, ctx.process().rlimit(rlimit_nofile).cur));
}

Result<long> sys_timerfd_settime(Context& ctx, int fd, int flags, UserPtr<abi::ITimerSpec> new_value, UserPtr<abi::ITimerSpec> old_value)
{
    auto spec = TRY(ctx.user().read(new_value));
    // TFD_TIMER_CANCEL_ON_SET is accepted; it could only fire when the real-time clock is set,
    // which no syscall of Asterix does yet (no clock_settime or settimeofday).
    if ((static_cast<u32>(flags) & ~u32 {abi::tfd_timer_abstime | abi::tfd_timer_cancel_on_set}) || !is_valid(spec.value) || !is_valid(spec.interval))
        return Errno::einval;
    auto file = TRY(ctx.files().get(fd));
    TimerFile* timer = TRY(timer_file(file));
    auto old = timer->set(spec, flags & abi::tfd_timer_abstime);
    if (!old_value.is_null())
        TRY(ctx.user().write(old_value, old));
    return 0;
}

Result<long> sys_timerfd_gettime(Context& ctx, int fd, UserPtr<abi::ITimerSpec> cur_value)
{
    auto file = TRY(ctx.files().get(fd));
    TimerFile* timer = TRY(timer_file(file));
    TRY(ctx.user().write(cur_value, timer->get()));
    return 0;
}

} // namespace asterix::services
