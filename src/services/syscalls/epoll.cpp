// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2

#include <algorithm>

#include "frame/clock.h"
#include "services/abi/capability.h"
#include "services/fs/epoll_file.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

/// How often a wait that watches a console stream looks at it again (the host tells no one).
constexpr u64 console_poll_interval_ns = 10'000'000;
/// Events EPOLLEXCLUSIVE may come with (Linux's EPOLLEXCLUSIVE_OK_BITS).
constexpr u32 exclusive_ok_bits =
    abi::epollin | abi::epollout | abi::epollerr | abi::epollhup | abi::epollwakeup | abi::epollet | abi::epollexclusive;

Result<long> create_epoll(Context& ctx, u32 flags)
{
    auto epoll = make_ref<EpollFile>(o_rdwr);
    return TRY(ctx.files().install(epoll, flags & abi::epoll_cloexec, 0, ctx.process().rlimit(rlimit_nofile).cur));
}

/// Waits for events on the epoll until `deadline_ns` (~0: for ever). epoll_wait is never
/// restarted: a signal makes it fail with EINTR, with or without a handler (signal(7)).
Result<long> wait_events(Context& ctx, int epfd, UserPtr<abi::EpollEvent> events, int max_events, u64 deadline_ns)
{
    if (max_events <= 0 || max_events > abi::epoll_max_events)
        return Errno::einval;
    // access_ok: the whole array must lie in user space, whatever is ready.
    TRY(frame::UserWriter::create(ctx.user(), events.addr(), static_cast<u64>(max_events) * sizeof(abi::EpollEvent)));
    auto file = TRY(ctx.files().get(epfd));
    EpollFile* epoll = file->as_epoll();
    if (!epoll)
        return Errno::einval;
    for (;;) {
        auto ready = epoll->take_events(static_cast<usize>(max_events));
        if (!ready.empty()) {
            for (usize i = 0; i < ready.size(); ++i)
                TRY(ctx.user().write(events.element(i), ready[i]));
            return static_cast<long>(ready.size());
        }
        u64 now = frame::monotonic_ns();
        if (now >= deadline_ns)
            return 0;
        if (has_pending_signal(ctx.thread()))
            return Errno::eintr;
        u64 wake_at = epoll->is_polled_by_time() ? std::min(deadline_ns, now + console_poll_interval_ns) : deadline_ns;
        auto waited = wait_interruptible(epoll->waiters(), wake_at, "epoll_wait");
        if (waited.is_error() && waited.error() != Errno::etimedout)
            return Errno::eintr;
    }
}

u64 deadline_after_ms(int timeout_ms)
{
    return timeout_ms < 0 ? ~0ull : frame::monotonic_ns() + static_cast<u64>(timeout_ms) * 1'000'000;
}

/// The temporary signal mask of epoll_pwait and epoll_pwait2, which deliver_signals() puts back.
Result<void> swap_mask(Context& ctx, UserPtr<u64> mask, u64 sigsetsize)
{
    if (mask.is_null())
        return {};
    if (sigsetsize != abi::sigset_bytes)
        return Errno::einval;
    return set_temporary_sig_mask(ctx.thread(), TRY(ctx.user().read(mask)), sigsetsize);
}

} // namespace

Result<long> sys_epoll_create(Context& ctx, int size)
{
    // The size is a hint Linux ignores since 2.6.8, but it must be positive (epoll_create(2)).
    if (size <= 0)
        return Errno::einval;
    return create_epoll(ctx, 0);
}

Result<long> sys_epoll_create1(Context& ctx, int flags)
{
    if (static_cast<u32>(flags) & ~abi::epoll_cloexec)
        return Errno::einval;
    return create_epoll(ctx, static_cast<u32>(flags));
}

Result<long> sys_epoll_ctl(Context& ctx, int epfd, int op, int fd, UserPtr<abi::EpollEvent> event)
{
    // The order of the checks is do_epoll_ctl's: the event is read for every op but DEL.
    abi::EpollEvent wanted {};
    bool has_event = op != abi::epoll_ctl_del;
    if (has_event)
        wanted = TRY(ctx.user().read(event));
    auto epoll_file = TRY(ctx.files().get(epfd));
    auto target = TRY(ctx.files().get(fd));
    if (!target->can_poll())
        return Errno::eperm;
    // EPOLLWAKEUP needs CAP_BLOCK_SUSPEND; without it the flag is dropped silently.
    if (has_event && (wanted.events & abi::epollwakeup) && !ctx.thread().credentials().has_capability(abi::Capability::block_suspend))
        wanted.events &= ~abi::epollwakeup;
    EpollFile* epoll = epoll_file->as_epoll();
    if (epoll_file == target || !epoll)
        return Errno::einval;
    if (has_event && (wanted.events & abi::epollexclusive)) {
        if (op == abi::epoll_ctl_mod)
            return Errno::einval;
        if (op == abi::epoll_ctl_add && (target->as_epoll() || (wanted.events & ~exclusive_ok_bits)))
            return Errno::einval;
    }
    switch (op) {
    case abi::epoll_ctl_add:
        TRY(epoll->add(*target, fd, wanted.events, wanted.data()));
        return 0;
    case abi::epoll_ctl_mod:
        TRY(epoll->modify(*target, fd, wanted.events, wanted.data()));
        return 0;
    case abi::epoll_ctl_del:
        TRY(epoll->remove(*target, fd));
        return 0;
    default:
        return Errno::einval;
    }
}

Result<long> sys_epoll_wait(Context& ctx, int epfd, UserPtr<abi::EpollEvent> events, int max_events, int timeout_ms)
{
    return wait_events(ctx, epfd, events, max_events, deadline_after_ms(timeout_ms));
}

Result<long> sys_epoll_pwait(Context& ctx, int epfd, UserPtr<abi::EpollEvent> events, int max_events, int timeout_ms, UserPtr<u64> sigmask, u64 sigsetsize)
{
    TRY(swap_mask(ctx, sigmask, sigsetsize));
    return wait_events(ctx, epfd, events, max_events, deadline_after_ms(timeout_ms));
}

Result<long> sys_epoll_pwait2(Context& ctx, int epfd, UserPtr<abi::EpollEvent> events, int max_events, UserPtr<abi::Timespec> timeout, UserPtr<u64> sigmask, u64 sigsetsize)
{
    u64 deadline = ~0ull;
    if (!timeout.is_null()) {
        auto ts = TRY(ctx.user().read(timeout));
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1'000'000'000)
            return Errno::einval;
        // A timeout of centuries is for ever, not a wrapped deadline in the past.
        constexpr i64 max_sec = 1ll << 32;
        if (ts.sec < max_sec)
            deadline = frame::monotonic_ns() + static_cast<u64>(ts.sec) * 1'000'000'000 + static_cast<u64>(ts.nsec);
    }
    TRY(swap_mask(ctx, sigmask, sigsetsize));
    return wait_events(ctx, epfd, events, max_events, deadline);
}

} // namespace asterix::services
