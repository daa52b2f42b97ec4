// mq_open, mq_unlink, mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr (ipc/mqueue.c).
// glibc strips the leading slash of a queue name before the call; the kernel sees the bare
// name and looks it up in the root of the mqueue file system.

#include "services/abi/posix_timer.h"
#include "services/abi/signal.h"
#include "services/fs/permission.h"
#include "services/ipc/message_queue.h"
#include "services/syscalls/futex.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

/// A queue name as getname reads it: EFAULT, ENAMETOOLONG past PATH_MAX, ENOENT when empty
/// (mq_open(3) hands the kernel an empty name for "/").
Result<std::string> read_queue_name(Context& ctx, UserPtr<char> uname)
{
    auto name = TRY(ctx.user().read_cstring(uname.addr(), abi::path_max - 1));
    if (name.empty())
        return Errno::enoent;
    return name;
}

/// The queue an mq_* call names by descriptor: EBADF for anything else.
Result<Ref<File>> queue_file(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    if (!file->as_mqueue())
        return Errno::ebadf;
    return file;
}

} // namespace

Result<long> sys_mq_open(Context& ctx, UserPtr<char> uname, int oflag, u32 mode, UserPtr<abi::MqAttr> uattr)
{
    // The attributes are read whether or not they are used, as Linux does.
    std::optional<abi::MqAttr> attr;
    if (uattr.addr())
        attr = TRY(ctx.user().read(uattr));
    std::string name = TRY(read_queue_name(ctx, uname));
    TRY(check_queue_name(name));
    const Credentials& creds = ctx.thread().credentials();
    RamInode& root = mqueue_root();
    Ref<MessageQueue> queue;
    auto existing = find_message_queue(name);
    if (existing.is_error()) {
        if (!(oflag & abi::o_creat))
            return Errno::enoent;
        TRY(may_create(creds, root));
        u32 umask = ctx.process().fs()->umask;
        queue = TRY(create_message_queue(creds, name, mode & ~umask, attr ? &*attr : nullptr,
            ctx.process().rlimit(abi::rlimit_msgqueue).cur));
    } else {
        if ((oflag & (abi::o_creat | abi::o_excl)) == (abi::o_creat | abi::o_excl))
            return Errno::eexist;
        if ((oflag & abi::o_accmode) == abi::o_accmode)
            return Errno::einval;
        static constexpr u32 access_of[] = {may_read, may_write, may_read | may_write};
        queue = existing.release_value();
        TRY(inode_permission(creds, *queue, access_of[oflag & abi::o_accmode]));
    }
    u32 flags = static_cast<u32>(oflag) & (abi::o_accmode | abi::o_nonblock);
    auto file = make_ref<MqueueFile>(queue, Ref<Dentry>(), flags);
    // Queue descriptors are always close-on-exec (Linux's do_mq_open).
    return TRY(ctx.files().install(Ref<File>(file), true, 0, ctx.process().rlimit(abi::rlimit_nofile).cur));
}

Result<long> sys_mq_unlink(Context& ctx, UserPtr<char> uname)
{
    std::string name = TRY(read_queue_name(ctx, uname));
    TRY(check_queue_name(name));
    RamInode& root = mqueue_root();
    auto victim = TRY(root.lookup(name));
    TRY(may_delete(ctx.thread().credentials(), root, *victim));
    TRY(root.unlink(name, false));
    return 0;
}

Result<long> sys_mq_timedsend(Context& ctx, int fd, UserPtr<u8> msg, u64 len, u32 priority, UserPtr<abi::Timespec> timeout)
{
    // Linux's order: the timeout, the priority, the descriptor, the size, then the bytes.
    u64 deadline_ns = TRY(futex_deadline(ctx.user(), timeout.addr(), FutexTimeout::absolute_realtime));
    if (priority >= abi::mq_prio_max)
        return Errno::einval;
    auto file = TRY(queue_file(ctx, fd));
    if (!file->is_writable() || (file->status_flags() & abi::o_accmode) == abi::o_accmode)
        return Errno::ebadf;
    MessageQueue& queue = file->as_mqueue()->queue();
    if (len > static_cast<u64>(queue.message_bytes_max()))
        return Errno::emsgsize;
    MqMessage message {priority, std::vector<u8>(len)};
    TRY(ctx.user().read_bytes(msg.addr(), message.bytes));
    const Credentials& creds = ctx.thread().credentials();
    TRY(queue.send(std::move(message), file->is_nonblocking(), deadline_ns, ctx.process().pid(), creds.uid));
    return 0;
}

Result<long> sys_mq_timedreceive(Context& ctx, int fd, UserPtr<u8> msg, u64 len, UserPtr<u32> priority, UserPtr<abi::Timespec> timeout)
{
    u64 deadline_ns = TRY(futex_deadline(ctx.user(), timeout.addr(), FutexTimeout::absolute_realtime));
    auto file = TRY(queue_file(ctx, fd));
    if (!file->is_readable() || (file->status_flags() & abi::o_accmode) == abi::o_accmode)
        return Errno::ebadf;
    MessageQueue& queue = file->as_mqueue()->queue();
    if (len < static_cast<u64>(queue.message_bytes_max()))
        return Errno::emsgsize;
    MqMessage message = TRY(queue.receive(file->is_nonblocking(), deadline_ns));
    // As in Linux, a message that cannot be stored is lost (EFAULT).
    if (priority.addr())
        TRY(ctx.user().write(priority, message.priority));
    TRY(ctx.user().write_bytes(msg.addr(), message.bytes));
    return static_cast<long>(message.bytes.size());
}

Result<long> sys_mq_notify(Context& ctx, int fd, UserPtr<abi::SigEvent> uevent)
{
    // Linux's do_mq_notify checks in this order: the sigevent, then for SIGEV_THREAD the
    // cookie (EFAULT) and the socket (EBADF, ENOTSOCK, EINVAL for another family), then the
    // queue descriptor.
    std::optional<MqNotification> notification;
    if (uevent.addr()) {
        auto event = TRY(ctx.user().read(uevent));
        if (event.notify != abi::sigev_none && event.notify != abi::sigev_signal && event.notify != abi::sigev_thread)
            return Errno::einval;
        if (event.notify == abi::sigev_signal && event.signo != 0 && !abi::is_valid_signal(event.signo))
            return Errno::einval;
        notification.emplace();
        notification->owner_pid = ctx.process().pid();
        notification->notify = event.notify;
        notification->signo = event.signo;
        notification->value = event.value;
        if (event.notify == abi::sigev_thread) {
            // The C library's thread waits on the netlink socket at sigev_signo and reads back
            // the cookie at sigev_value, its last byte saying what happened (mq_notify(3)).
            TRY(ctx.user().read_bytes(event.value, notification->cookie));
            auto socket = TRY(ctx.files().get(event.signo));
            notification->socket = TRY(netlink_socket_of(*socket));
        }
    }
    auto file = TRY(queue_file(ctx, fd));
    TRY(file->as_mqueue()->queue().set_notification(ctx.process().pid(), std::move(notification)));
    return 0;
}

Result<long> sys_mq_getsetattr(Context& ctx, int fd, UserPtr<abi::MqAttr> unew, UserPtr<abi::MqAttr> uold)
{
    std::optional<abi::MqAttr> new_attr;
    if (unew.addr()) {
        new_attr = TRY(ctx.user().read(unew));
        if (new_attr->flags & ~i64 {abi::o_nonblock})
            return Errno::einval;
    }
    auto file = TRY(queue_file(ctx, fd));
    MessageQueue& queue = file->as_mqueue()->queue();
    abi::MqAttr old {};
    old.flags = file->status_flags() & abi::o_nonblock;
    old.maxmsg = queue.max_messages();
    old.msgsize = queue.message_bytes_max();
    old.curmsgs = queue.message_count();
    if (new_attr) {
        u32 flags = file->status_flags() & ~u32 {abi::o_nonblock};
        file->set_status_flags(flags | (new_attr->flags & abi::o_nonblock ? abi::o_nonblock : 0));
    }
    if (uold.addr())
        TRY(ctx.user().write(uold, old));
    return 0;
}

} // namespace asterix::services
