#include "services/fs/timer_file.h"

#include <array>
#include <bit>

#include "frame/clock.h"
#include "services/fs/anon_file.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {
constexpr u64 ns_per_sec = 1'000'000'000;

u64 to_ns(const abi::Timespec& ts)
{
    // Saturates far in the future instead of wrapping (the value was checked non-negative).
    if (static_cast<u64>(ts.sec) >= ~0ull / ns_per_sec - 1)
        return ~0ull / 2;
    return static_cast<u64>(ts.sec) * ns_per_sec + static_cast<u64>(ts.nsec);
}

abi::Timespec to_timespec(u64 ns) { return {static_cast<i64>(ns / ns_per_sec), static_cast<i64>(ns % ns_per_sec)}; }
} // namespace

TimerFile::TimerFile(int clock_id, Clock clock, u32 status_flags)
    : File(status_flags), m_clock_id(clock_id), m_clock(clock), m_timer([this] { expired(); })
{
}

u64 TimerFile::now_ns() const { return m_clock == Clock::realtime ? frame::realtime_ns() : frame::monotonic_ns(); }

u64 TimerFile::expirations() const
{
    if (!m_deadline_ns)
        return 0;
    u64 now = now_ns();
    if (now < m_deadline_ns)
        return 0;
    return 1 + (m_interval_ns ? (now - m_deadline_ns) / m_interval_ns : 0);
}

void TimerFile::schedule()
{
    if (!m_deadline_ns) {
        m_timer.cancel();
        return;
    }
    // The kernel timer runs on the monotonic clock: a real-time deadline becomes the same
    // distance from now (no one can set the real-time clock in Asterix yet).
    u64 now = now_ns();
    u64 left = m_deadline_ns > now ? m_deadline_ns - now : 0;
    m_timer.arm(frame::monotonic_ns() + left);
}

void TimerFile::expired()
{
    if (!expirations()) {
        schedule(); // woken early (the clocks disagree by a little): try again
        return;
    }
    m_readers.wake_all();
    m_poll_queue.notify(abi::pollin);
}

Result<usize> TimerFile::read(frame::UserWriter& out)
{
    if (out.remaining() < sizeof(u64))
        return Errno::einval;
    u64 ticks = expirations();
    while (ticks == 0) {
        if (is_nonblocking())
            return Errno::eagain;
        TRY(wait_interruptible(m_readers, ~0ull, "timerfd read"));
        ticks = expirations();
    }
    TRY(out.write(std::bit_cast<std::array<u8, sizeof(u64)>>(ticks)));
    if (m_interval_ns) {
        m_deadline_ns += ticks * m_interval_ns;
        schedule();
    } else {
        m_deadline_ns = 0;
    }
    return sizeof(u64);
}

abi::ITimerSpec TimerFile::get()
{
    abi::ITimerSpec spec {};
    spec.interval = to_timespec(m_interval_ns);
    if (!m_deadline_ns)
        return spec;
    u64 now = now_ns();
    u64 next = m_deadline_ns;
    if (next <= now && m_interval_ns)
        next += expirations() * m_interval_ns;
    // An expired one-shot timer shows 0 (disarmed) as Linux's does.
    spec.value = to_timespec(next > now ? next - now : 0);
    if (next <= now)
        spec.value = {0, 0};
    return spec;
}

abi::ITimerSpec TimerFile::set(const abi::ITimerSpec& spec, bool is_absolute)
{
    abi::ITimerSpec old = get();
    u64 value = to_ns(spec.value);
    m_interval_ns = to_ns(spec.interval);
    if (value == 0) {
        m_deadline_ns = 0;
        m_interval_ns = 0;
    } else if (is_absolute) {
        m_deadline_ns = value;
    } else {
        u64 now = now_ns();
        m_deadline_ns = value > ~0ull / 2 - now ? ~0ull / 2 : now + value;
    }
    schedule();
    // A new setting may turn readiness off (or on, for a deadline in the past).
    m_poll_queue.notify();
    if (expirations())
        m_readers.wake_all();
    return old;
}

Result<frame::FileStat> TimerFile::stat() { return anon_file_stat(); }

std::string TimerFile::description() { return anon_file_description("timerfd"); }

} // namespace asterix::services
