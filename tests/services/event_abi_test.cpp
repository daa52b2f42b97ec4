// The event files' ABI headers (eventpoll.h, eventfd.h, timerfd.h, signalfd.h) checked once
// against the host's C library and Linux uapi headers.

#include <doctest/doctest.h>

#include <csignal>
#include <cstddef>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>

#include "services/abi/eventfd.h"
#include "services/abi/eventpoll.h"
#include "services/abi/signal.h"
#include "services/abi/signalfd.h"
#include "services/abi/timerfd.h"

namespace abi = asterix::services::abi;

static_assert(abi::epoll_cloexec == EPOLL_CLOEXEC);
static_assert(abi::epoll_ctl_add == EPOLL_CTL_ADD && abi::epoll_ctl_del == EPOLL_CTL_DEL && abi::epoll_ctl_mod == EPOLL_CTL_MOD);
static_assert(abi::epollin == EPOLLIN && abi::epollpri == EPOLLPRI && abi::epollout == EPOLLOUT && abi::epollerr == EPOLLERR);
static_assert(abi::epollhup == EPOLLHUP && abi::epollrdnorm == EPOLLRDNORM && abi::epollrdband == EPOLLRDBAND);
static_assert(abi::epollwrnorm == EPOLLWRNORM && abi::epollwrband == EPOLLWRBAND && abi::epollmsg == EPOLLMSG);
static_assert(abi::epollrdhup == EPOLLRDHUP && abi::epollexclusive == EPOLLEXCLUSIVE && abi::epollwakeup == EPOLLWAKEUP);
static_assert(abi::epolloneshot == EPOLLONESHOT && abi::epollet == static_cast<unsigned>(EPOLLET));
static_assert(sizeof(abi::EpollEvent) == sizeof(struct epoll_event));
static_assert(offsetof(struct epoll_event, data) == offsetof(abi::EpollEvent, data_low));

static_assert(abi::efd_semaphore == EFD_SEMAPHORE && abi::efd_cloexec == EFD_CLOEXEC && abi::efd_nonblock == EFD_NONBLOCK);

static_assert(abi::tfd_cloexec == TFD_CLOEXEC && abi::tfd_nonblock == TFD_NONBLOCK);
static_assert(abi::tfd_timer_abstime == TFD_TIMER_ABSTIME && abi::tfd_timer_cancel_on_set == TFD_TIMER_CANCEL_ON_SET);
static_assert(abi::clock_realtime_alarm == CLOCK_REALTIME_ALARM && abi::clock_boottime_alarm == CLOCK_BOOTTIME_ALARM);
static_assert(sizeof(abi::ITimerSpec) == sizeof(struct itimerspec));

static_assert(abi::sfd_cloexec == SFD_CLOEXEC && abi::sfd_nonblock == SFD_NONBLOCK);
static_assert(abi::si_timer == SI_TIMER);
static_assert(sizeof(abi::SignalfdSiginfo) == sizeof(struct signalfd_siginfo));
static_assert(offsetof(abi::SignalfdSiginfo, pid) == offsetof(struct signalfd_siginfo, ssi_pid));
static_assert(offsetof(abi::SignalfdSiginfo, int_value) == offsetof(struct signalfd_siginfo, ssi_int));
static_assert(offsetof(abi::SignalfdSiginfo, ptr) == offsetof(struct signalfd_siginfo, ssi_ptr));
static_assert(offsetof(abi::SignalfdSiginfo, addr) == offsetof(struct signalfd_siginfo, ssi_addr));
static_assert(offsetof(abi::SignalfdSiginfo, syscall) == offsetof(struct signalfd_siginfo, ssi_syscall));
static_assert(offsetof(abi::SignalfdSiginfo, arch) == offsetof(struct signalfd_siginfo, ssi_arch));

TEST_CASE("event file ABI constants match the host's headers")
{
    CHECK(abi::epoll_max_events == 0x7fffffff / static_cast<int>(sizeof(struct epoll_event)));
}
