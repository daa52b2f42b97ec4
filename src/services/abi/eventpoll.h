#pragma once

// Linux's epoll ABI (uapi linux/eventpoll.h): epoll_create1 flags, epoll_ctl operations, event
// bits and struct epoll_event.

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr u32 epoll_cloexec = 02000000;

inline constexpr int epoll_ctl_add = 1;
inline constexpr int epoll_ctl_del = 2;
inline constexpr int epoll_ctl_mod = 3;

inline constexpr u32 epollin = 0x1;
inline constexpr u32 epollpri = 0x2;
inline constexpr u32 epollout = 0x4;
inline constexpr u32 epollerr = 0x8;
inline constexpr u32 epollhup = 0x10;
inline constexpr u32 epollnval = 0x20;
inline constexpr u32 epollrdnorm = 0x40;
inline constexpr u32 epollrdband = 0x80;
inline constexpr u32 epollwrnorm = 0x100;
inline constexpr u32 epollwrband = 0x200;
inline constexpr u32 epollmsg = 0x400;
inline constexpr u32 epollrdhup = 0x2000;
inline constexpr u32 epollexclusive = 1u << 28;
inline constexpr u32 epollwakeup = 1u << 29;
inline constexpr u32 epolloneshot = 1u << 30;
inline constexpr u32 epollet = 1u << 31;

/// struct epoll_event, packed on x86-64 (12 bytes): the 64-bit data follows the events word
/// unaligned, so it is carried as two halves.
struct EpollEvent {
    u32 events;
    u32 data_low;
    u32 data_high;

    u64 data() const { return data_low | (u64 {data_high} << 32); }
};
static_assert(sizeof(EpollEvent) == 12);

/// Nesting of epoll instances: at most this many levels below the one waited on (Linux's
/// EPOLL_MAX_NESTS).
inline constexpr int epoll_max_nests = 4;
/// epoll_wait's largest maxevents (Linux's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event)).
inline constexpr int epoll_max_events = 0x7fffffff / 12;

} // namespace asterix::services::abi
