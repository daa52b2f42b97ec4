#pragma once

// POSIX message queues (mq_overview(7)): each queue is a file of the mqueue file system, which
// the kernel keeps one of and mounts on /dev/mqueue. mq_open and mq_unlink name queues in its
// root; reading a queue's file gives Linux's "QSIZE:..." line; the descriptors mq_open returns
// are these files, so poll, select and epoll watch them like any other.

#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "frame/task.h"
#include "services/abi/mqueue.h"
#include "services/fs/ram_fs.h"
#include "services/net/netlink_socket.h"

namespace asterix::services {

class Credentials;
class MqueueFile;

/// One message: its priority and bytes.
struct MqMessage {
    u32 priority {0};
    std::vector<u8> bytes;
};

/// Who asked mq_notify to hear of the queue's next message, and how: a signal (SIGEV_SIGNAL),
/// nothing (SIGEV_NONE), or a cookie sent to a netlink socket (SIGEV_THREAD: the C library's
/// thread that waits on that socket starts the notification function).
struct MqNotification {
    i32 owner_pid {0};
    int notify {0};
    int signo {0};
    u64 value {0};
    Ref<NetlinkSocket> socket;
    std::array<u8, abi::mq_notify_cookie_len> cookie {};
};

/// A queue: messages by priority, FIFO within one, bounded by its attributes.
class MessageQueue final : public RamInode {
public:
    MessageQueue(Ref<RamFs> fs, std::string name, u32 mode, Owner owner, const abi::MqAttr& attr, u32 charged_uid,
        u64 charged_bytes);
    ~MessageQueue() override;

    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override;
    Ref<PageCache> page_cache() override { return {}; }
    FileData* file_data() override { return nullptr; }
    Result<void> truncate(u64 size) override { return Errno::einval; }

    const std::string& name() const { return m_name; }
    i64 max_messages() const { return m_max_messages; }
    i64 message_bytes_max() const { return m_message_bytes_max; }
    i64 message_count() const { return m_message_count; }
    /// Bytes of all queued messages (QSIZE).
    u64 queued_bytes() const { return m_queued_bytes; }

    /// Adds a message, waiting while the queue is full unless `is_nonblocking` (EAGAIN);
    /// ETIMEDOUT at `deadline_ns` (monotonic), ERESTARTSYS on a signal.
    Result<void> send(MqMessage message, bool is_nonblocking, u64 deadline_ns, i32 sender_pid, u32 sender_uid);
    /// Takes the oldest message of the highest priority, waiting like send while it is empty.
    Result<MqMessage> receive(bool is_nonblocking, u64 deadline_ns);

    /// mq_notify: registers `notification` (EBUSY when a process is registered already), or
    /// with none, drops the registration of `caller_pid` if it holds it.
    Result<void> set_notification(i32 caller_pid, std::optional<MqNotification> notification);
    /// A descriptor of the queue was closed by `closer_pid`: its registration goes with it, as
    /// Linux's mqueue_flush_file does.
    void closed_by(i32 closer_pid);
    /// What reading the queue's file shows.
    std::string status_line() const;
    u32 poll_events() const;
    PollQueue& poll_queue() { return m_poll; }

private:
    void notify_owner(i32 sender_pid, u32 sender_uid);
    /// Drops the registration; a SIGEV_THREAD one tells its socket (NOTIFY_REMOVED), so the C
    /// library frees what it kept for it.
    void remove_notification();

    std::string m_name;
    i64 m_max_messages;
    i64 m_message_bytes_max;
    i64 m_message_count {0};
    u64 m_queued_bytes {0};
    /// Highest priority first.
    std::map<u32, std::deque<std::vector<u8>>, std::greater<>> m_messages;
    std::optional<MqNotification> m_notification;
    usize m_waiting_receivers {0};
    frame::WaitQueue m_senders;
    frame::WaitQueue m_receivers;
    PollQueue m_poll;
    /// The bytes charged to the creator's RLIMIT_MSGQUEUE, given back when the queue goes.
    u32 m_charged_uid;
    u64 m_charged_bytes;
    /// The queued messages live on the kernel heap.
    KernelCharge m_message_charge;
};

/// An open queue: what mq_open returns and what open(2) on /dev/mqueue/NAME gives.
class MqueueFile final : public File {
public:
    MqueueFile(Ref<MessageQueue> queue, Ref<Dentry> dentry, u32 flags)
        : File(flags), m_queue(std::move(queue)), m_dentry(std::move(dentry))
    {
    }
    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override { return Errno::einval; }
    Result<frame::FileStat> stat() override { return m_queue->stat(); }
    Result<i64> seek(i64 offset, Whence whence) override;
    u32 poll_events() override { return m_queue->poll_events(); }
    PollQueue* poll_queue() override { return &m_queue->poll_queue(); }
    Dentry* dentry() override { return m_dentry.ptr(); }
    Inode* inode() override { return m_queue.ptr(); }
    MqueueFile* as_mqueue() override { return this; }
    void flush() override;
    std::string description() override { return "/" + m_queue->name(); }
    MessageQueue& queue() { return *m_queue; }

private:
    Ref<MessageQueue> m_queue;
    Ref<Dentry> m_dentry;
    u64 m_offset {0};
};

/// The limits /proc/sys/fs/mqueue shows and root may change.
struct MqueueLimits {
    i64 msg_default {abi::mq_msg_default};
    i64 msg_max {abi::mq_msg_max_default};
    i64 msgsize_default {abi::mq_msgsize_default};
    i64 msgsize_max {abi::mq_msgsize_max_default};
    i64 queues_max {abi::mq_queues_max_default};
};
MqueueLimits& mqueue_limits();

/// The root directory of the kernel's one mqueue file system (made on first use).
RamInode& mqueue_root();
/// Checks a queue name as Linux's lookup does: EACCES for "", ".", ".." or a slash inside;
/// ENAMETOOLONG past NAME_MAX.
Result<void> check_queue_name(std::string_view name);
/// Process `pid` exits: its mq_notify registrations go, as closing its descriptors of the
/// queues removes them in Linux (exit_files, mqueue_flush_file).
void mqueue_exit(i32 pid);
/// The queue `name` of the root: ENOENT when there is none.
Result<Ref<MessageQueue>> find_message_queue(std::string_view name);
/// Makes queue `name` in the root: the attribute checks (EINVAL, EOVERFLOW), the queue count
/// (ENOSPC) and RLIMIT_MSGQUEUE (EMFILE) of Linux's mqueue_get_inode. `attr` null: defaults.
Result<Ref<MessageQueue>> create_message_queue(
    const Credentials& creds, std::string_view name, u32 mode, const abi::MqAttr* attr, u64 msgqueue_limit);

} // namespace asterix::services
