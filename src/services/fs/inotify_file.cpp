#include "services/fs/inotify_file.h"

#include <algorithm>

#include "frame/bytes.h"
#include "services/abi/inotify.h"
#include "services/fs/anon_file.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {

/// The bits a watch keeps of the mask it was given.
constexpr u32 watch_bits = abi::in_all_events | abi::in_oneshot | abi::in_excl_unlink;

struct UserCounts {
    u32 instances {0};
    u32 watches {0};
};

/// Live instances and watches by effective uid (an entry goes when both are zero).
std::map<u32, UserCounts>& user_counts()
{
    static std::map<u32, UserCounts> counts;
    return counts;
}

void forget_if_unused(u32 uid)
{
    auto it = user_counts().find(uid);
    if (it != user_counts().end() && !it->second.instances && !it->second.watches)
        user_counts().erase(it);
}

} // namespace

InotifyLimits& inotify_limits()
{
    static InotifyLimits limits;
    return limits;
}

Result<Ref<InotifyFile>> InotifyFile::create(u32 uid, u32 status_flags)
{
    auto it = user_counts().find(uid);
    if (it != user_counts().end() && it->second.instances >= inotify_limits().max_user_instances)
        return Errno::emfile;
    return make_ref<InotifyFile>(uid, status_flags);
}

InotifyFile::InotifyFile(u32 uid, u32 status_flags)
    : File(status_flags), m_uid(uid), m_max_events(inotify_limits().max_queued_events)
{
    ++user_counts()[uid].instances;
}

InotifyFile::~InotifyFile()
{
    UserCounts& counts = user_counts()[m_uid];
    --counts.instances;
    counts.watches -= static_cast<u32>(m_watches.size());
    forget_if_unused(m_uid);
}

usize InotifyFile::Event::size_bytes() const
{
    // The name is NUL-terminated and padded to a whole number of event headers.
    constexpr usize header = sizeof(abi::InotifyEvent);
    usize name_bytes = name.empty() ? 0 : (name.size() + 1 + header - 1) / header * header;
    return header + name_bytes;
}

InotifyFile::Watch::Watch(InotifyFile& owner, int wd, Ref<Inode> inode, u32 mask)
    : mask(mask), m_owner(owner), m_wd(wd), m_inode(std::move(inode)), m_key(fs_notify::key_of(*m_inode))
{
    fs_notify::listen(m_key, *this);
}

InotifyFile::Watch::~Watch() { fs_notify::unlisten(m_key, *this); }

void InotifyFile::Watch::on_event(Inode& inode, u32 event, std::string_view name, u32 cookie, fs_notify::Origin origin)
{
    // IN_EXCL_UNLINK: what is done through a file that lost its name is not heard (Linux's
    // fsnotify_handle_inode_event tests the path's dentry with d_unlinked).
    if ((mask & abi::in_excl_unlink) && origin == fs_notify::Origin::unlinked_file)
        return;
    u32 wanted = event & mask & abi::in_all_events;
    if (wanted) {
        m_owner.queue(m_wd, wanted | (event & abi::in_isdir), cookie, name);
        if (mask & abi::in_oneshot) {
            m_owner.retire(m_wd);
            return;
        }
    }
    // The object is gone: its watch ends (inotify(7): IN_IGNORED follows IN_DELETE_SELF).
    if ((event & abi::in_delete_self) && name.empty())
        m_owner.retire(m_wd);
}

void InotifyFile::queue(i32 wd, u32 mask, u32 cookie, std::string_view name)
{
    if (!m_events.empty()) {
        const Event& last = m_events.back();
        // Linux's inotify_merge: an event equal to the last one queued adds nothing.
        if (last.wd == wd && last.mask == mask && last.cookie == cookie && last.name == name)
            return;
        if (last.mask == abi::in_q_overflow)
            return;
    }
    if (m_events.size() >= m_max_events)
        m_events.push_back(Event {-1, abi::in_q_overflow, 0, {}});
    else
        m_events.push_back(Event {wd, mask, cookie, std::string(name)});
    m_readers.wake_all();
    m_poll_queue.notify(abi::pollin);
}

void InotifyFile::retire(int wd)
{
    auto watch = m_watches.find(wd);
    if (watch == m_watches.end())
        return;
    fs_notify::unlisten(watch->second->key(), *watch->second);
    m_retired.push_back(std::move(watch->second));
    m_watches.erase(watch);
    --user_counts()[m_uid].watches;
    queue(wd, abi::in_ignored, 0, {});
}

Result<int> InotifyFile::add_watch(Inode& inode, u32 mask)
{
    m_retired.clear();
    auto key = fs_notify::key_of(inode);
    for (auto& [wd, watch] : m_watches) {
        if (watch->key() != key)
            continue;
        if (mask & abi::in_mask_create)
            return Errno::eexist;
        watch->mask = (mask & abi::in_mask_add) ? watch->mask | (mask & watch_bits) : mask & watch_bits;
        return wd;
    }
    UserCounts& counts = user_counts()[m_uid];
    if (counts.watches >= inotify_limits().max_user_watches)
        return Errno::enospc;
    int wd = m_next_wd++;
    m_watches.emplace(wd, std::make_unique<Watch>(*this, wd, Ref<Inode>(&inode), mask & watch_bits));
    ++counts.watches;
    return wd;
}

Result<void> InotifyFile::remove_watch(int wd)
{
    m_retired.clear();
    if (!m_watches.contains(wd))
        return Errno::einval;
    retire(wd);
    return {};
}

Result<usize> InotifyFile::read(frame::UserWriter& out)
{
    m_retired.clear();
    while (m_events.empty()) {
        if (is_nonblocking())
            return Errno::eagain;
        TRY(wait_interruptible(m_readers, ~0ull, "inotify read"));
    }
    usize total = 0;
    while (!m_events.empty()) {
        const Event& event = m_events.front();
        usize size = event.size_bytes();
        if (size > out.remaining()) {
            // inotify(7): a buffer too small for the next event is EINVAL.
            if (total == 0)
                return Errno::einval;
            break;
        }
        abi::InotifyEvent header {event.wd, event.mask, event.cookie, static_cast<u32>(size - sizeof(abi::InotifyEvent))};
        std::vector<u8> bytes(size, 0);
        auto head = object_bytes(header);
        std::copy(head.begin(), head.end(), bytes.begin());
        auto name = text_bytes(event.name);
        std::copy(name.begin(), name.end(), bytes.begin() + static_cast<std::ptrdiff_t>(head.size()));
        TRY(out.write(bytes));
        total += size;
        m_events.pop_front();
    }
    return total;
}

Result<int> InotifyFile::bytes_ready()
{
    usize total = 0;
    for (const Event& event : m_events)
        total += event.size_bytes();
    return static_cast<int>(total);
}

u32 InotifyFile::poll_events() { return m_events.empty() ? 0 : abi::pollin | abi::pollrdnorm; }

Result<frame::FileStat> InotifyFile::stat() { return anon_file_stat(); }

std::string InotifyFile::description() { return anon_file_description("inotify"); }

} // namespace asterix::services
