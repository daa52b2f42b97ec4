// POSIX message queues: the queue, its open file and the mqueue file system (ipc/mqueue.c).

#include "services/ipc/message_queue.h"

#include <algorithm>
#include <limits>
#include <set>

#include "frame/bytes.h"
#include "frame/format.h"
#include "services/abi/magic.h"
#include "services/abi/posix_timer.h"
#include "services/abi/signal.h"
#include "services/process/credentials.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {

/// Queues that exist (named or still open), for queues_max.
usize g_queue_count = 0;

/// Every queue that exists, named or not, so an exiting process's registrations can be found.
std::set<MessageQueue*>& all_queues()
{
    static std::set<MessageQueue*> queues;
    return queues;
}

/// Bytes charged to RLIMIT_MSGQUEUE, by real uid (Linux's per-user ucounts).
std::map<u32, u64>& charged_by_uid()
{
    static std::map<u32, u64> charged;
    return charged;
}

/// The root of the mqueue file system: only queues live in it, so everything but making a
/// queue (open with O_CREAT) or removing one is EPERM, as Linux's directory without those
/// operations answers.
class MqueueDir final : public RamInode {
public:
    MqueueDir(Ref<RamFs> fs) : RamInode(std::move(fs), s_ifdir | 01777, 0, 0) {}

    Result<Ref<Inode>> create(std::string_view name, u32 mode, Owner owner) override
    {
        Process* process = ProcessTable::current();
        Thread* thread = ProcessTable::current_thread();
        if (!process || !thread)
            return Errno::eperm;
        auto queue = TRY(create_message_queue(
            thread->credentials(), name, mode, nullptr, process->rlimit(abi::rlimit_msgqueue).cur));
        return Ref<Inode>(queue);
    }
    Result<void> mkdir(std::string_view, u32, Owner) override { return Errno::eperm; }
    Result<void> mkfifo(std::string_view, u32, Owner) override { return Errno::eperm; }
    Result<void> mksock(std::string_view, u32, Owner) override { return Errno::eperm; }
    Result<void> symlink(std::string_view, std::string_view, Owner) override { return Errno::eperm; }
    Result<void> link(std::string_view, Inode&) override { return Errno::eperm; }
    Result<void> rename(std::string_view, Inode&, std::string_view, u32) override { return Errno::eperm; }
};

} // namespace

MqueueLimits& mqueue_limits()
{
    static MqueueLimits limits;
    return limits;
}

RamInode& mqueue_root()
{
    static Ref<RamInode> root = [] {
        auto fs = make_ref<RamFs>("mqueue", 0, abi::mqueue_magic);
        fs->set_dev(0x13);
        return Ref<RamInode>(make_ref<MqueueDir>(fs));
    }();
    return *root;
}

Result<void> check_queue_name(std::string_view name)
{
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos)
        return Errno::eacces;
    if (name.size() > abi::name_max)
        return Errno::enametoolong;
    return {};
}

void mqueue_exit(i32 pid)
{
    // The walk holds each queue by a reference of its own, so no queue can leave the set
    // while it is walked, whatever dropping a registration (and its socket) sets off.
    std::vector<Ref<MessageQueue>> queues;
    for (MessageQueue* queue : all_queues())
        queues.emplace_back(queue);
    for (auto& queue : queues)
        queue->closed_by(pid);
}

Result<Ref<MessageQueue>> find_message_queue(std::string_view name)
{
    auto inode = TRY(mqueue_root().lookup(name));
    // Every inode of the root is a queue: MqueueDir makes nothing else.
    return Ref<MessageQueue>(static_cast<MessageQueue*>(inode.ptr()));
}

Result<Ref<MessageQueue>> create_message_queue(
    const Credentials& creds, std::string_view name, u32 mode, const abi::MqAttr* attr, u64 msgqueue_limit)
{
    TRY(check_queue_name(name));
    const MqueueLimits& limits = mqueue_limits();
    bool is_privileged = creds.has_capability(abi::Capability::sys_resource);
    if (static_cast<i64>(g_queue_count) >= limits.queues_max && !is_privileged)
        return Errno::enospc;
    abi::MqAttr chosen {};
    chosen.maxmsg = std::min(limits.msg_max, limits.msg_default);
    chosen.msgsize = std::min(limits.msgsize_max, limits.msgsize_default);
    if (attr) {
        chosen.maxmsg = attr->maxmsg;
        chosen.msgsize = attr->msgsize;
    }
    if (chosen.maxmsg <= 0 || chosen.msgsize <= 0)
        return Errno::einval;
    if (is_privileged ? chosen.maxmsg > abi::mq_hard_msgmax || chosen.msgsize > abi::mq_hard_msgsizemax
                      : chosen.maxmsg > limits.msg_max || chosen.msgsize > limits.msgsize_max)
        return Errno::einval;
    // Both are bounded above, so the product and the bookkeeping cannot overflow.
    u64 max_messages = static_cast<u64>(chosen.maxmsg);
    u64 charge = max_messages * static_cast<u64>(chosen.msgsize) + max_messages * abi::mq_msg_overhead_bytes
        + std::min<u64>(max_messages, abi::mq_prio_max) * abi::mq_prio_node_bytes;
    u64& charged = charged_by_uid()[creds.uid];
    if (charged + charge > msgqueue_limit)
        return Errno::emfile;
    RamInode& root = mqueue_root();
    TRY(root.ram_fs().check_inode_room());
    auto queue = make_ref<MessageQueue>(Ref<RamFs>(&root.ram_fs()), std::string(name), mode & 07777,
        Owner {creds.fsuid, creds.fsgid}, chosen, creds.uid, charge);
    charged += charge;
    root.add_child(std::string(name), Ref<RamInode>(queue));
    return queue;
}

MessageQueue::MessageQueue(Ref<RamFs> fs, std::string name, u32 mode, Owner owner, const abi::MqAttr& attr,
    u32 charged_uid, u64 charged_bytes)
    : RamInode(std::move(fs), s_ifreg | mode, owner.uid, owner.gid), m_name(std::move(name)),
      m_max_messages(attr.maxmsg), m_message_bytes_max(attr.msgsize), m_charged_uid(charged_uid),
      m_charged_bytes(charged_bytes)
{
    m_size = abi::mq_filent_size;
    ++g_queue_count;
    all_queues().insert(this);
}

MessageQueue::~MessageQueue()
{
    --g_queue_count;
    all_queues().erase(this);
    u64& charged = charged_by_uid()[m_charged_uid];
    charged -= std::min(charged, m_charged_bytes);
}

Result<Ref<File>> MessageQueue::open(const Ref<Dentry>& dentry, u32 flags)
{
    if (flags & o_path)
        return RamInode::open(dentry, flags);
    return Ref<File>(make_ref<MqueueFile>(Ref<MessageQueue>(this), dentry, flags));
}

Result<void> MessageQueue::send(MqMessage message, bool is_nonblocking, u64 deadline_ns, i32 sender_pid, u32 sender_uid)
{
    Ref<MessageQueue> self(this); // a waiter keeps the queue alive if the last descriptor closes
    while (m_message_count >= m_max_messages) {
        if (is_nonblocking)
            return Errno::eagain;
        TRY(wait_interruptible(m_senders, deadline_ns, "mq_timedsend"));
    }
    usize len = message.bytes.size();
    TRY(m_message_charge.grow(len + abi::mq_msg_overhead_bytes));
    m_messages[message.priority].push_back(std::move(message.bytes));
    ++m_message_count;
    m_queued_bytes += len;
    touch_modified();
    // A receiver already waiting takes the message directly in Linux (pipelined_send), so
    // nobody registered hears of it.
    if (m_waiting_receivers == 0 && m_message_count == 1)
        notify_owner(sender_pid, sender_uid);
    m_receivers.wake_one();
    m_poll.notify(abi::pollin | abi::pollrdnorm);
    return {};
}

Result<MqMessage> MessageQueue::receive(bool is_nonblocking, u64 deadline_ns)
{
    Ref<MessageQueue> self(this);
    while (m_message_count == 0) {
        if (is_nonblocking)
            return Errno::eagain;
        ++m_waiting_receivers;
        auto waited = wait_interruptible(m_receivers, deadline_ns, "mq_timedreceive");
        --m_waiting_receivers;
        if (waited.is_error() && m_message_count == 0)
            return waited.error();
    }
    auto level = m_messages.begin();
    MqMessage message {level->first, std::move(level->second.front())};
    level->second.pop_front();
    if (level->second.empty())
        m_messages.erase(level);
    --m_message_count;
    m_queued_bytes -= message.bytes.size();
    m_message_charge.shrink(message.bytes.size() + abi::mq_msg_overhead_bytes);
    touch_modified();
    m_senders.wake_one();
    m_poll.notify(abi::pollout | abi::pollwrnorm);
    return message;
}

Result<void> MessageQueue::set_notification(i32 caller_pid, std::optional<MqNotification> notification)
{
    if (!notification) {
        closed_by(caller_pid);
        return {};
    }
    // The owner may have gone without unregistering; its registration dies with it.
    if (m_notification && !ProcessTable::find(m_notification->owner_pid))
        remove_notification();
    if (m_notification)
        return Errno::ebusy;
    m_notification = std::move(*notification);
    return {};
}

void MessageQueue::closed_by(i32 closer_pid)
{
    if (m_notification && m_notification->owner_pid == closer_pid)
        remove_notification();
}

void MessageQueue::remove_notification()
{
    if (!m_notification)
        return;
    MqNotification notification = std::move(*m_notification);
    m_notification.reset();
    if (notification.notify == abi::sigev_thread) {
        notification.cookie.back() = abi::mq_notify_removed;
        notification.socket->deliver(std::vector<u8>(notification.cookie.begin(), notification.cookie.end()));
    }
}

void MessageQueue::notify_owner(i32 sender_pid, u32 sender_uid)
{
    if (!m_notification)
        return;
    MqNotification notification = std::move(*m_notification);
    // One notification per registration (mq_notify(3)).
    m_notification.reset();
    // The cookie goes to the socket whether or not its owner still runs, as in Linux's
    // __do_notify: the socket may be shared with other processes.
    if (notification.notify == abi::sigev_thread) {
        notification.cookie.back() = abi::mq_notify_woken_up;
        notification.socket->deliver(std::vector<u8>(notification.cookie.begin(), notification.cookie.end()));
        return;
    }
    // Linux accepts signal 0 at registration and then sends nothing.
    if (notification.notify != abi::sigev_signal || notification.signo == 0)
        return;
    Process* owner = ProcessTable::find(notification.owner_pid);
    if (!owner || owner->is_exiting())
        return;
    abi::SigInfo info = make_signal_info(abi::Signal::from_valid(notification.signo), abi::si_mesgq, sender_pid, sender_uid);
    info.set_value(notification.value);
    send_signal(*owner, info);
}

std::string MessageQueue::status_line() const
{
    bool is_signal = m_notification && m_notification->notify == abi::sigev_signal;
    return frame::format("QSIZE:%-10llu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
        static_cast<unsigned long long>(m_queued_bytes), m_notification ? m_notification->notify : 0,
        is_signal ? m_notification->signo : 0, m_notification ? m_notification->owner_pid : 0);
}

u32 MessageQueue::poll_events() const
{
    u32 events = 0;
    if (m_message_count > 0)
        events |= abi::pollin | abi::pollrdnorm;
    if (m_message_count < m_max_messages)
        events |= abi::pollout | abi::pollwrnorm;
    return events;
}

void MqueueFile::flush()
{
    if (Process* closer = ProcessTable::current())
        m_queue->closed_by(closer->pid());
}

Result<usize> MqueueFile::read(frame::UserWriter& out)
{
    std::string text = m_queue->status_line();
    if (m_offset >= text.size())
        return 0;
    usize n = TRY(out.write(text_bytes(text).subspan(m_offset)));
    m_offset += n;
    return n;
}

Result<i64> MqueueFile::seek(i64 offset, Whence whence)
{
    i64 base = whence == Whence::set ? 0 : whence == Whence::cur ? static_cast<i64>(m_offset) : abi::mq_filent_size;
    if (offset > std::numeric_limits<i64>::max() - base || base + offset < 0)
        return Errno::einval;
    m_offset = static_cast<u64>(base + offset);
    return static_cast<i64>(m_offset);
}

} // namespace asterix::services
