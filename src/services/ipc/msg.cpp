// System V message queues: msgget, msgsnd, msgrcv, msgctl. A queue holds at most msg_qbytes
// bytes (MSGMNB unless raised with CAP_SYS_RESOURCE) and as many messages, so a guest cannot
// grow kernel memory past MSGMNI queues of that size.

#include "services/ipc/msg.h"

#include <deque>
#include <limits>

#include "frame/format.h"
#include "services/ipc/ipc_object.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

struct Message {
    i64 type;
    std::vector<u8> text;
};

class MsgQueue : public RefCounted<MsgQueue> {
public:
    IpcPerm perm;
    std::deque<Message> messages;
    u64 bytes {0};
    u64 max_bytes {abi::msgmnb};
    i32 last_send_pid {0}, last_receive_pid {0};
    i64 stime {0}, rtime {0}, ctime {0};
    bool is_removed {false};
    frame::WaitQueue senders;
    frame::WaitQueue receivers;
};

IpcIds<MsgQueue>& queues()
{
    static IpcIds<MsgQueue> ids(abi::msgmni);
    return ids;
}

abi::Msqid64Ds describe(const MsgQueue& queue)
{
    abi::Msqid64Ds out {};
    out.msg_perm = queue.perm.to_abi();
    out.msg_stime = queue.stime;
    out.msg_rtime = queue.rtime;
    out.msg_ctime = queue.ctime;
    out.msg_cbytes = queue.bytes;
    out.msg_qnum = queue.messages.size();
    out.msg_qbytes = queue.max_bytes;
    out.msg_lspid = queue.last_send_pid;
    out.msg_lrpid = queue.last_receive_pid;
    return out;
}

Result<long> create_queue(Context& ctx, i32 key, int flags)
{
    if (queues().count() >= static_cast<usize>(abi::msgmni))
        return Errno::enospc;
    auto queue = make_ref<MsgQueue>();
    const auto& cred = ctx.thread().credentials();
    queue->perm.key = key;
    queue->perm.uid = queue->perm.cuid = cred.euid;
    queue->perm.gid = queue->perm.cgid = cred.egid;
    queue->perm.mode = static_cast<u32>(flags) & 0777u;
    queue->ctime = ipc_now_sec();
    return TRY(queues().add(queue));
}

/// The message msgrcv(2) takes for `type` (0: the first; > 0: the first of that type, or with
/// MSG_EXCEPT of another; < 0: the first of the lowest type up to -type).
std::optional<usize> find_message(const MsgQueue& queue, i64 type, int flags)
{
    std::optional<usize> best;
    if (type == std::numeric_limits<i64>::min())
        type = std::numeric_limits<i64>::min() + 1; // as Linux's convert_mode, so -type exists
    for (usize i = 0; i < queue.messages.size(); ++i) {
        i64 t = queue.messages[i].type;
        if (type == 0)
            return i;
        if (type > 0) {
            if ((flags & abi::msg_except) ? t != type : t == type)
                return i;
        } else if (t <= -type && (!best || t < queue.messages[*best].type)) {
            best = i;
        }
    }
    return best;
}

/// A removed queue or an interrupted wait ends a blocked msgsnd or msgrcv.
Result<void> wait_on(MsgQueue& queue, frame::WaitQueue& waiters, const char* reason)
{
    auto waited = wait_interruptible(waiters, ~0ull, reason);
    if (queue.is_removed)
        return Errno::eidrm;
    if (waited.is_error())
        return Errno::erestartnohand; // restarted only when no handler ran, as Linux does
    return {};
}

} // namespace

Result<long> sys_msgget(Context& ctx, i32 key, int flags)
{
    if (key == abi::ipc_private)
        return create_queue(ctx, key, flags);
    MsgQueue* queue = queues().find_key(key);
    if (!queue) {
        if (!(flags & abi::ipc_creat))
            return Errno::enoent;
        return create_queue(ctx, key, flags);
    }
    if ((flags & abi::ipc_creat) && (flags & abi::ipc_excl))
        return Errno::eexist;
    if (!ipc_permits(ctx.thread().credentials(), queue->perm, flags))
        return Errno::eacces;
    return queue->perm.id;
}

Result<long> sys_msgsnd(Context& ctx, int id, u64 msgp, u64 size, int flags)
{
    // The order of Linux's ksys_msgsnd and do_msgsnd: the type is read first.
    i64 type = TRY(ctx.user().read(UserPtr<i64>(msgp)));
    if (size > static_cast<u64>(abi::msgmax) || id < 0)
        return Errno::einval;
    if (type < 1)
        return Errno::einval;
    Message message {type, std::vector<u8>(size)};
    TRY(ctx.user().read_bytes(msgp + sizeof(i64), message.text));
    MsgQueue* found = TRY(queues().find_id(id));
    if (!ipc_permits(ctx.thread().credentials(), found->perm, 0222))
        return Errno::eacces;
    Ref<MsgQueue> queue(found);
    while (queue->bytes + size > queue->max_bytes || queue->messages.size() + 1 > queue->max_bytes) {
        if (flags & abi::ipc_nowait)
            return Errno::eagain;
        TRY(wait_on(*queue, queue->senders, "msgsnd"));
    }
    queue->bytes += size;
    queue->messages.push_back(std::move(message));
    queue->last_send_pid = ctx.process().pid();
    queue->stime = ipc_now_sec();
    queue->receivers.wake_all();
    return 0;
}

Result<long> sys_msgrcv(Context& ctx, int id, u64 msgp, u64 size, i64 type, int flags)
{
    if (id < 0 || static_cast<i64>(size) < 0)
        return Errno::einval;
    bool is_copy = flags & abi::msg_copy;
    if (is_copy && (!(flags & abi::ipc_nowait) || (flags & abi::msg_except)))
        return Errno::einval;
    MsgQueue* found = TRY(queues().find_id(id));
    if (!ipc_permits(ctx.thread().credentials(), found->perm, 0444))
        return Errno::eacces;
    Ref<MsgQueue> queue(found);
    usize index = 0;
    while (true) {
        if (is_copy) {
            // MSG_COPY: `type` is a position, and the message stays (checkpoint/restore).
            if (type >= 0 && static_cast<u64>(type) < queue->messages.size()) {
                index = static_cast<usize>(type);
                break;
            }
            return Errno::enomsg;
        }
        auto position = find_message(*queue, type, flags);
        if (position) {
            index = *position;
            break;
        }
        if (flags & abi::ipc_nowait)
            return Errno::enomsg;
        TRY(wait_on(*queue, queue->receivers, "msgrcv"));
    }
    const Message& message = queue->messages[index];
    if (message.text.size() > size && !(flags & abi::msg_noerror))
        return Errno::e2big;
    usize copied = std::min<usize>(size, message.text.size());
    TRY(ctx.user().write(UserPtr<i64>(msgp), message.type));
    TRY(ctx.user().write_bytes(msgp + sizeof(i64), std::span(message.text).first(copied)));
    if (!is_copy) {
        queue->bytes -= message.text.size();
        queue->messages.erase(queue->messages.begin() + static_cast<std::ptrdiff_t>(index));
        queue->last_receive_pid = ctx.process().pid();
        queue->rtime = ipc_now_sec();
        queue->senders.wake_all();
    }
    return static_cast<long>(copied);
}

Result<long> sys_msgctl(Context& ctx, int id, int cmd, u64 buf)
{
    if (id < 0 || cmd < 0)
        return Errno::einval;
    const auto& cred = ctx.thread().credentials();
    switch (cmd) {
    case abi::ipc_info:
    case abi::msg_info: {
        abi::Msginfo info {};
        info.msgmax = abi::msgmax;
        info.msgmnb = abi::msgmnb;
        info.msgmni = abi::msgmni;
        info.msgssz = abi::msgssz;
        info.msgseg = abi::msgseg;
        if (cmd == abi::msg_info) {
            u64 messages = 0, bytes = 0;
            for (auto& [index, queue] : queues().objects()) {
                messages += queue->messages.size();
                bytes += queue->bytes;
            }
            info.msgpool = static_cast<i32>(queues().count());
            info.msgmap = static_cast<i32>(messages);
            info.msgtql = static_cast<i32>(bytes);
        } else {
            info.msgpool = abi::msgmni * abi::msgmnb / 1024;
            info.msgmap = abi::msgmnb;
            info.msgtql = abi::msgmnb;
        }
        TRY(ctx.user().write(UserPtr<abi::Msginfo>(buf), info));
        return std::max(queues().max_index(), 0);
    }
    case abi::msg_stat:
    case abi::msg_stat_any: {
        MsgQueue* queue = queues().at_index(id);
        if (!queue)
            return Errno::einval;
        if (cmd == abi::msg_stat && !ipc_permits(cred, queue->perm, 0444))
            return Errno::eacces;
        TRY(ctx.user().write(UserPtr<abi::Msqid64Ds>(buf), describe(*queue)));
        return queue->perm.id;
    }
    case abi::ipc_stat: {
        MsgQueue* queue = TRY(queues().find_id(id));
        if (!ipc_permits(cred, queue->perm, 0444))
            return Errno::eacces;
        TRY(ctx.user().write(UserPtr<abi::Msqid64Ds>(buf), describe(*queue)));
        return 0;
    }
    case abi::ipc_set: {
        auto in = TRY(ctx.user().read(UserPtr<abi::Msqid64Ds>(buf)));
        MsgQueue* queue = TRY(queues().find_id(id));
        if (!ipc_may_control(cred, queue->perm))
            return Errno::eperm;
        if (in.msg_qbytes > static_cast<u64>(abi::msgmnb) && !cred.has_capability(abi::Capability::sys_resource))
            return Errno::eperm;
        queue->max_bytes = in.msg_qbytes;
        queue->perm.set_from(in.msg_perm);
        queue->ctime = ipc_now_sec();
        queue->senders.wake_all();
        return 0;
    }
    case abi::ipc_rmid: {
        MsgQueue* queue = TRY(queues().find_id(id));
        if (!ipc_may_control(cred, queue->perm))
            return Errno::eperm;
        queue->is_removed = true;
        queue->senders.wake_all();
        queue->receivers.wake_all();
        queues().remove(id);
        return 0;
    }
    default:
        return Errno::einval;
    }
}

std::string sysvipc_msg_text()
{
    std::string text = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n";
    for (auto& [index, queue] : queues().objects()) {
        const auto& p = queue->perm;
        text += frame::format("%10d %10d  %4o  %10llu %10zu %5d %5d %5u %5u %5u %5u %10lld %10lld %10lld\n", p.key, p.id, p.mode, static_cast<unsigned long long>(queue->bytes), queue->messages.size(), queue->last_send_pid, queue->last_receive_pid, p.uid, p.gid, p.cuid, p.cgid, static_cast<long long>(queue->stime), static_cast<long long>(queue->rtime), static_cast<long long>(queue->ctime));
    }
    return text;
}

} // namespace asterix::services
