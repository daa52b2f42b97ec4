#include <doctest/doctest.h>

#include "services/process/process.h"
#include "services/process/signals.h"

using namespace asterix;
using namespace asterix::services;

namespace {
constexpr u64 no_limit = ~0ull;
using abi::sigrtmin;
using abi::sigusr1;
constexpr abi::Signal sigrtmin_1 = abi::Signal::constant(abi::sigrtmin + 1);
constexpr abi::Signal sigrtmin_2 = abi::Signal::constant(abi::sigrtmin + 2);

abi::SigInfo info_of(abi::Signal sig, u64 value = 0)
{
    auto info = make_signal_info(sig, si_queue, 42, 1000);
    info.set_value(value);
    return info;
}
} // namespace

TEST_CASE("pending signals: a standard signal is pending once; the first siginfo stays")
{
    PendingSignals pending;
    CHECK(pending.add(info_of(sigusr1, 1), 5000, no_limit));
    CHECK(pending.add(info_of(sigusr1, 2), 5000, no_limit)); // merged, still "sent"
    CHECK(pending.has(sigusr1));
    CHECK(pending.queue.size() == 1);
    CHECK(PendingSignals::queued_for(5000) == 1);
    auto info = pending.take(sigusr1);
    CHECK(info.signo == sigusr1);
    CHECK(info.code == si_queue);
    CHECK(info.fields[1] == 1);
    CHECK(!pending.has(sigusr1));
    CHECK(PendingSignals::queued_for(5000) == 0);
}

TEST_CASE("pending signals: real-time signals queue every instance, in order")
{
    PendingSignals pending;
    for (u64 value = 1; value <= 3; ++value)
        CHECK(pending.add(info_of(sigrtmin, value), 5001, no_limit));
    CHECK(pending.add(info_of(sigrtmin_1, 9), 5001, no_limit));
    CHECK(PendingSignals::queued_for(5001) == 4);
    CHECK(pending.take(sigrtmin).fields[1] == 1);
    CHECK(pending.has(sigrtmin)); // two more instances still queued
    CHECK(pending.take(sigrtmin).fields[1] == 2);
    CHECK(pending.take(sigrtmin).fields[1] == 3);
    CHECK(!pending.has(sigrtmin));
    CHECK(pending.has(sigrtmin_1));
    CHECK(pending.take(sigrtmin_1).fields[1] == 9);
    CHECK(PendingSignals::queued_for(5001) == 0);
}

TEST_CASE("pending signals: RLIMIT_SIGPENDING is charged per receiving user, across queues")
{
    PendingSignals one, two;
    CHECK(one.add(info_of(sigrtmin), 5002, 2));
    CHECK(two.add(info_of(sigrtmin), 5002, 2));
    CHECK(PendingSignals::queued_for(5002) == 2);
    // Past the limit a real-time signal is refused (sigqueue's EAGAIN) ...
    CHECK(!one.add(info_of(sigrtmin_2), 5002, 2));
    CHECK(!one.has(sigrtmin_2));
    // ... and a standard one is still pending, only its siginfo is lost (SI_USER, no sender).
    CHECK(one.add(info_of(sigusr1, 7), 5002, 2));
    CHECK(one.has(sigusr1));
    CHECK(PendingSignals::queued_for(5002) == 2);
    auto lost = one.take(sigusr1);
    CHECK(lost.signo == sigusr1);
    CHECK(lost.code == si_user);
    CHECK(lost.fields[1] == 0);
    // Another user has its own count.
    CHECK(one.add(info_of(abi::Signal::constant(abi::sigrtmin + 3)), 5003, 2));
    // Taking one gives the charge back.
    one.take(sigrtmin);
    CHECK(PendingSignals::queued_for(5002) == 1);
    CHECK(one.add(info_of(sigrtmin_2), 5002, 2));
}

TEST_CASE("pending signals: discard drops every instance and its charge; a queue gives all back when it goes")
{
    {
        PendingSignals pending;
        CHECK(pending.add(info_of(sigrtmin), 5004, no_limit));
        CHECK(pending.add(info_of(sigrtmin), 5004, no_limit));
        CHECK(pending.add(info_of(sigusr1), 5004, no_limit));
        pending.discard(sigrtmin); // SIG_IGN set while queued
        CHECK(!pending.has(sigrtmin));
        CHECK(pending.has(sigusr1));
        CHECK(PendingSignals::queued_for(5004) == 1);
        CHECK(pending.add(info_of(sigrtmin_1), 5004, no_limit));
    }
    CHECK(PendingSignals::queued_for(5004) == 0); // the thread or process went away
}

TEST_CASE("pending signals: taking a signal that is pending without siginfo gives a bare one")
{
    PendingSignals pending;
    pending.mask.add(sigchld);
    auto info = pending.take(sigchld);
    CHECK(info.signo == sigchld);
    CHECK(!pending.has(sigchld));
    CHECK(sig_bit(1) == 1);
    CHECK(sig_bit(64) == 1ull << 63);
}

TEST_CASE("signals: SIGKILL and SIGSTOP cannot be blocked; default actions follow signal(7)")
{
    CHECK(unblockable_signals == (sig_bit(sigkill) | sig_bit(sigstop)));
    CHECK(default_action(sigchld) == DefaultAction::ignore);
    CHECK(default_action(28) == DefaultAction::ignore); // SIGWINCH
    CHECK(default_action(sigsegv) == DefaultAction::core);
    CHECK(default_action(sigquit) == DefaultAction::core);
    CHECK(default_action(sigterm) == DefaultAction::terminate);
    CHECK(default_action(sigusr1) == DefaultAction::terminate);
    CHECK(default_action(sigtstp) == DefaultAction::stop);
    CHECK(default_action(sigcont) == DefaultAction::cont);
    CHECK(default_action(sigrtmin) == DefaultAction::terminate);
    CHECK(std::string(signal_name(sigsegv)) == "SIGSEGV");
    CHECK(signal_name(0) == nullptr);
    CHECK(signal_name(65) == nullptr);
}
