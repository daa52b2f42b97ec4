#pragma once

// POSIX message queues (uapi linux/mqueue.h, ipc/mqueue.c, include/linux/ipc_namespace.h):
// struct mq_attr and the limits /proc/sys/fs/mqueue shows.

#include <array>

#include "frame/types.h"

namespace asterix::services::abi {

/// struct mq_attr: four longs and four reserved ones.
struct MqAttr {
    i64 flags;
    i64 maxmsg;
    i64 msgsize;
    i64 curmsgs;
    std::array<i64, 4> reserved;
};
static_assert(sizeof(MqAttr) == 64);

/// Priorities run from 0 to MQ_PRIO_MAX - 1.
inline constexpr u64 mq_prio_max = 32768;

// The sysctl defaults (DFLT_*) and the bounds a privileged caller may go to (HARD_*).
inline constexpr i64 mq_msg_default = 10;
inline constexpr i64 mq_msg_max_default = 10;
inline constexpr i64 mq_msgsize_default = 8192;
inline constexpr i64 mq_msgsize_max_default = 8192;
inline constexpr i64 mq_queues_max_default = 256;
inline constexpr i64 mq_hard_msgmin = 1;
inline constexpr i64 mq_hard_msgmax = 65536;
inline constexpr i64 mq_hard_msgsizemin = 128;
inline constexpr i64 mq_hard_msgsizemax = 16 * 1024 * 1024;
inline constexpr i64 mq_hard_queuesmax = 1024;

/// What each message and each priority level costs in Linux's accounting against
/// RLIMIT_MSGQUEUE (sizeof(struct msg_msg) and of struct posix_msg_tree_node on x86-64).
inline constexpr u64 mq_msg_overhead_bytes = 48;
inline constexpr u64 mq_prio_node_bytes = 40;

/// SIGEV_THREAD passes a cookie of this size to a netlink socket.
inline constexpr usize mq_notify_cookie_len = 32;
/// What the kernel writes into the cookie's last byte before it sends it: a message arrived
/// on the empty queue, or the registration went (unregistered, or the queue closed by its owner).
inline constexpr u8 mq_notify_woken_up = 1;
inline constexpr u8 mq_notify_removed = 2;

/// The size a queue's file shows in stat (FILENT_SIZE).
inline constexpr i64 mq_filent_size = 80;

} // namespace asterix::services::abi
