// poll, ppoll, select, pselect6

#include <memory>
#include <vector>

#include "frame/clock.h"
#include "services/abi/signal.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
/// How often a poll that watches the console looks at it again.
constexpr u64 console_poll_interval_ns = 10'000'000;
constexpr int max_fd_set_bits = 1024 * 1024;

/// The files a poll or select call watches, held for the whole call as Linux holds them, each
/// with a watcher that wakes the caller when the file announces a change.
struct Watched {
    Ref<File> file;
    std::unique_ptr<PollWatcher> watcher;
};

/// Fills each entry's revents; returns how many are ready. Looks at each file once.
int poll_once(std::vector<abi::PollFd>& fds, const std::vector<Watched>& watched, bool& has_timed_source)
{
    int ready = 0;
    for (usize i = 0; i < fds.size(); ++i) {
        auto& entry = fds[i];
        entry.revents = 0;
        if (entry.fd < 0)
            continue;
        if (!watched[i].file) {
            entry.revents = abi::pollnval;
        } else {
            File& file = *watched[i].file;
            u32 events = file.poll_events();
            has_timed_source |= file.is_polled_by_time();
            entry.revents = static_cast<i16>(events & (static_cast<u16>(entry.events) | abi::pollerr | abi::pollhup));
        }
        ready += entry.revents != 0;
    }
    return ready;
}

/// Polls until something is ready, the deadline passes (0 ready), or a signal comes. The
/// caller sleeps on a queue of its own that the files' watchers wake; it looks again only
/// when one did (or from time to time, for a console stream the host feeds).
Result<int> poll_until(Context& ctx, std::vector<abi::PollFd>& fds, u64 deadline_ns)
{
    frame::WaitQueue woken;
    bool has_news = true;
    std::vector<Watched> watched(fds.size());
    for (usize i = 0; i < fds.size(); ++i) {
        if (fds[i].fd < 0)
            continue;
        auto file = ctx.files().get(fds[i].fd);
        if (file.is_error())
            continue;
        watched[i].file = file.value();
        watched[i].watcher = std::make_unique<PollWatcher>([&woken, &has_news](u32) {
            has_news = true;
            woken.wake_all();
        });
        watched[i].file->watch_readiness(*watched[i].watcher);
    }
    for (;;) {
        bool has_timed_source = false;
        has_news = false;
        int ready = poll_once(fds, watched, has_timed_source);
        if (ready > 0)
            return ready;
        u64 now = frame::monotonic_ns();
        if (now >= deadline_ns)
            return 0;
        if (has_news)
            continue; // poll_events itself brought news (a serial line took input)
        u64 wake_at = has_timed_source ? std::min(deadline_ns, now + console_poll_interval_ns) : deadline_ns;
        auto waited = wait_interruptible(woken, wake_at, "poll");
        if (waited.is_error() && waited.error() != Errno::etimedout)
            return Errno::erestartnohand;
    }
}

Result<u64> deadline_from(Context& ctx, UserPtr<abi::Timespec> timeout)
{
    if (timeout.is_null())
        return ~0ull;
    auto ts = TRY(ctx.user().read(timeout));
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1'000'000'000)
        return Errno::einval;
    return frame::monotonic_ns() + static_cast<u64>(ts.sec) * 1'000'000'000 + static_cast<u64>(ts.nsec);
}

/// Installs a temporary signal mask (ppoll, pselect6) that deliver_signals() puts back.
Result<void> swap_mask(Context& ctx, UserPtr<u64> mask, u64 sigsetsize)
{
    if (mask.is_null())
        return {};
    if (sigsetsize != abi::sigset_bytes)
        return Errno::einval;
    return set_temporary_sig_mask(ctx.thread(), TRY(ctx.user().read(mask)), sigsetsize);
}

Result<long> poll_common(Context& ctx, UserPtr<abi::PollFd> ufds, u32 nfds, u64 deadline)
{
    if (nfds > ctx.process().rlimit(rlimit_nofile).cur)
        return Errno::einval;
    std::vector<abi::PollFd> fds(nfds);
    for (u32 i = 0; i < nfds; ++i)
        fds[i] = TRY(ctx.user().read(ufds.element(i)));
    int ready = TRY(poll_until(ctx, fds, deadline));
    for (u32 i = 0; i < nfds; ++i)
        TRY(ctx.user().write(ufds.element(i), fds[i]));
    return ready;
}

Result<long> select_common(Context& ctx, int nfds, u64 readfds, u64 writefds, u64 exceptfds, u64 deadline)
{
    if (nfds < 0 || nfds > max_fd_set_bits)
        return Errno::einval;
    usize words = (static_cast<usize>(nfds) + 63) / 64;
    auto read_set = [&](u64 addr) -> Result<std::vector<u64>> {
        std::vector<u64> bits(words, 0);
        if (addr) {
            for (usize i = 0; i < words; ++i)
                bits[i] = TRY(ctx.user().read(UserPtr<u64>(addr + i * 8)));
            if (nfds % 64)
                bits.back() &= (1ull << (nfds % 64)) - 1;
        }
        return bits;
    };
    auto in = TRY(read_set(readfds));
    auto out = TRY(read_set(writefds));
    auto ex = TRY(read_set(exceptfds));
    std::vector<abi::PollFd> fds;
    for (int fd = 0; fd < nfds; ++fd) {
        u64 bit = 1ull << (fd % 64);
        i16 events = 0;
        if (in[fd / 64] & bit)
            events |= abi::pollin | abi::pollhup | abi::pollerr;
        if (out[fd / 64] & bit)
            events |= abi::pollout | abi::pollerr;
        if (ex[fd / 64] & bit)
            events |= abi::pollpri;
        if (events) {
            if (ctx.files().get(fd).is_error())
                return Errno::ebadf;
            fds.push_back({fd, events, 0});
        }
    }
    TRY(poll_until(ctx, fds, deadline));
    std::vector<u64> in_out(words, 0), out_out(words, 0), ex_out(words, 0);
    long count = 0;
    for (const auto& entry : fds) {
        u64 bit = 1ull << (entry.fd % 64);
        usize word = static_cast<usize>(entry.fd) / 64;
        if ((entry.events & abi::pollin) && (entry.revents & (abi::pollin | abi::pollhup | abi::pollerr))) {
            in_out[word] |= bit;
            ++count;
        }
        if ((entry.events & abi::pollout) && (entry.revents & (abi::pollout | abi::pollerr))) {
            out_out[word] |= bit;
            ++count;
        }
        if ((entry.events & abi::pollpri) && (entry.revents & abi::pollpri)) {
            ex_out[word] |= bit;
            ++count;
        }
    }
    auto write_set = [&](u64 addr, const std::vector<u64>& bits) -> Result<void> {
        for (usize i = 0; addr && i < words; ++i)
            TRY(ctx.user().write(UserPtr<u64>(addr + i * 8), bits[i]));
        return {};
    };
    TRY(write_set(readfds, in_out));
    TRY(write_set(writefds, out_out));
    TRY(write_set(exceptfds, ex_out));
    return count;
}

void write_remaining(Context& ctx, u64 addr, u64 deadline, bool is_timeval)
{
    if (!addr || deadline == ~0ull)
        return;
    u64 now = frame::monotonic_ns();
    u64 left = deadline > now ? deadline - now : 0;
    if (is_timeval)
        static_cast<void>(ctx.user().write(UserPtr<abi::Timeval>(addr), abi::Timeval {static_cast<i64>(left / 1'000'000'000), static_cast<i64>(left % 1'000'000'000 / 1000)}));
    else
        static_cast<void>(ctx.user().write(UserPtr<abi::Timespec>(addr), abi::Timespec {static_cast<i64>(left / 1'000'000'000), static_cast<i64>(left % 1'000'000'000)}));
}

} // namespace

Result<long> sys_poll(Context& ctx, UserPtr<abi::PollFd> ufds, u32 nfds, int timeout_ms)
{
    u64 deadline = timeout_ms < 0 ? ~0ull : frame::monotonic_ns() + static_cast<u64>(timeout_ms) * 1'000'000;
    return poll_common(ctx, ufds, nfds, deadline);
}

Result<long> sys_ppoll(Context& ctx, UserPtr<abi::PollFd> ufds, u32 nfds, UserPtr<abi::Timespec> timeout, UserPtr<u64> sigmask, u64 sigsetsize)
{
    u64 deadline = TRY(deadline_from(ctx, timeout));
    TRY(swap_mask(ctx, sigmask, sigsetsize));
    auto result = poll_common(ctx, ufds, nfds, deadline);
    write_remaining(ctx, timeout.addr(), deadline, false);
    return result;
}

Result<long> sys_select(Context& ctx, int nfds, u64 readfds, u64 writefds, u64 exceptfds, UserPtr<abi::Timeval> timeout)
{
    u64 deadline = ~0ull;
    if (!timeout.is_null()) {
        auto tv = TRY(ctx.user().read(timeout));
        if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1'000'000)
            return Errno::einval;
        deadline = frame::monotonic_ns() + static_cast<u64>(tv.sec) * 1'000'000'000 + static_cast<u64>(tv.usec) * 1000;
    }
    auto result = select_common(ctx, nfds, readfds, writefds, exceptfds, deadline);
    write_remaining(ctx, timeout.addr(), deadline, true);
    return result;
}

Result<long> sys_pselect6(Context& ctx, int nfds, u64 readfds, u64 writefds, u64 exceptfds, UserPtr<abi::Timespec> timeout, u64 sigmask_arg)
{
    u64 deadline = TRY(deadline_from(ctx, timeout));
    if (sigmask_arg) {
        // The sixth argument points at { const sigset_t* ss; size_t ss_len; }.
        auto pair = TRY(ctx.user().read(UserPtr<std::array<u64, 2>>(sigmask_arg)));
        TRY(swap_mask(ctx, UserPtr<u64>(pair[0]), pair[1]));
    }
    auto result = select_common(ctx, nfds, readfds, writefds, exceptfds, deadline);
    write_remaining(ctx, timeout.addr(), deadline, false);
    return result;
}

} // namespace asterix::services
