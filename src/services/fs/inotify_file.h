#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "frame/task.h"
#include "services/abi/inotify.h"
#include "services/fs/file.h"
#include "services/fs/fs_notify.h"

namespace asterix::services {

/// The limits of /proc/sys/fs/inotify, which root may change (0 to INT_MAX). An instance takes
/// max_queued_events when it is created (Linux's group->max_events); the per-user limits count
/// at each new instance or watch, and lowering one takes nothing away.
struct InotifyLimits {
    u32 max_queued_events {abi::inotify_max_queued_events};
    u32 max_user_instances {abi::inotify_max_user_instances};
    u32 max_user_watches {abi::inotify_max_user_watches};
};
InotifyLimits& inotify_limits();

/// An inotify instance (inotify(7)): watches on inodes, each with a watch descriptor and a
/// mask, and the queue of events they caught. A read takes whole events (EINVAL when the
/// buffer cannot hold the first), waits for one unless non-blocking, and an event equal to
/// the last one queued is merged into it. Past the queue's limit one IN_Q_OVERFLOW stands for
/// what was lost.
///
/// Instances and watches are counted per effective uid, as Linux's ucounts: past
/// max_user_instances inotify_init gets EMFILE, past max_user_watches a new watch ENOSPC.
class InotifyFile final : public File {
public:
    /// A new instance for `uid`; EMFILE when the user has max_user_instances already.
    static Result<Ref<InotifyFile>> create(u32 uid, u32 status_flags);
    InotifyFile(u32 uid, u32 status_flags);
    ~InotifyFile() override;

    /// inotify_add_watch: a new watch, or the inode's existing one with its mask replaced (or
    /// with IN_MASK_ADD widened); EEXIST for one with IN_MASK_CREATE.
    Result<int> add_watch(Inode& inode, u32 mask);
    /// inotify_rm_watch: EINVAL for an unknown descriptor; IN_IGNORED tells the reader.
    Result<void> remove_watch(int wd);

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override { return Errno::einval; }
    Result<frame::FileStat> stat() override;
    Result<int> bytes_ready() override;
    u32 poll_events() override;
    PollQueue* poll_queue() override { return &m_poll_queue; }
    InotifyFile* as_inotify() override { return this; }
    std::string description() override;

private:
    struct Event {
        i32 wd;
        u32 mask;
        u32 cookie;
        std::string name;
        usize size_bytes() const;
    };
    class Watch final : public fs_notify::Listener {
    public:
        Watch(InotifyFile& owner, int wd, Ref<Inode> inode, u32 mask);
        ~Watch();
        void on_event(Inode& inode, u32 mask, std::string_view name, u32 cookie, fs_notify::Origin origin) override;
        const fs_notify::ObjectKey& key() const { return m_key; }
        u32 mask {0};

    private:
        InotifyFile& m_owner;
        int m_wd;
        /// Keeps the inode alive while watched, as Linux's mark does.
        Ref<Inode> m_inode;
        fs_notify::ObjectKey m_key;
    };

    void queue(i32 wd, u32 mask, u32 cookie, std::string_view name);
    /// Ends a watch: IN_IGNORED is queued and the watch goes once no event is being delivered.
    void retire(int wd);

    u32 m_uid;
    std::map<int, std::unique_ptr<Watch>> m_watches;
    std::vector<std::unique_ptr<Watch>> m_retired;
    int m_next_wd {1};
    u32 m_max_events;
    std::deque<Event> m_events;
    frame::WaitQueue m_readers;
    PollQueue m_poll_queue;
};

} // namespace asterix::services
