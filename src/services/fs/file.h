#pragma once

#include <optional>

#include <string>

#include "frame/file_stat.h"
#include "frame/ref.h"
#include "frame/result.h"
#include "frame/user_io.h"
#include "services/abi/fcntl.h"
#include "services/abi/poll.h"
#include "services/fs/poll_queue.h"
#include "services/fs/write_access.h"

namespace asterix::services {

class Context;
class Dentry;
class EpollFile;
class EventFile;
class InotifyFile;
class PidFile;
class PipeFile;
class Inode;
class MqueueFile;
class Socket;
class SignalFile;
class TimerFile;

/// lseek(2)'s whence; fd.cpp converts the guest's number after checking its range.
enum class Whence : u8 { set = abi::seek_set, cur = abi::seek_cur, end = abi::seek_end };

// open(2) flags, from services/abi/fcntl.h.
using abi::o_accmode, abi::o_rdonly, abi::o_wronly, abi::o_rdwr, abi::o_creat, abi::o_excl, abi::o_noctty,
    abi::o_trunc, abi::o_append, abi::o_nonblock, abi::o_dsync, abi::o_async, abi::o_direct,
    abi::o_largefile, abi::o_directory, abi::o_nofollow, abi::o_noatime, abi::o_cloexec, abi::o_sync,
    abi::o_path, abi::o_tmpfile;

/// An open file description: what a file descriptor refers to. Reads fill a UserWriter and
/// writes drain a UserReader, so guest memory is touched only as late as Linux touches it.
class File : public RefCounted<File> {
public:
    /// Entries that watch the file (epoll's) hear that it is going: an epoll entry lives only
    /// as long as its file's last reference (epoll(7)).
    virtual ~File() { m_release_watchers.notify(); }

    virtual Result<usize> read(frame::UserWriter& out) = 0;
    virtual Result<usize> write(frame::UserReader& in) = 0;
    virtual Result<frame::FileStat> stat() = 0;
    virtual Result<long> ioctl(Context& ctx, u32 request, u64 arg) { return Errno::enotty; }
    virtual Result<i64> seek(i64 offset, Whence whence) { return Errno::espipe; }
    /// Positioned I/O (pread64/pwrite64): ESPIPE on pipes and terminals.
    virtual Result<usize> read_at(u64 offset, frame::UserWriter& out) { return Errno::espipe; }
    virtual Result<usize> write_at(u64 offset, frame::UserReader& in) { return Errno::espipe; }
    /// getdents64: fills `out` with linux_dirent64 records from the current position.
    virtual Result<usize> read_dir(frame::UserWriter& out) { return Errno::enotdir; }
    virtual Result<void> truncate(u64 size) { return Errno::einval; }
    virtual Result<void> sync(bool is_data_only) { return Errno::einval; }
    /// fallocate(2) with a checked mode: EOPNOTSUPP for a file whose file system has none.
    virtual Result<void> allocate(int mode, u64 offset, u64 len) { return Errno::enotsup; }
    /// A pipe's capacity in bytes (F_GETPIPE_SZ), or with `new_bytes` set, resized to hold it
    /// (F_SETPIPE_SZ); EBADF for anything but a pipe.
    virtual Result<long> pipe_capacity(std::optional<u64> new_bytes, bool may_exceed_limit) { return Errno::ebadf; }
    /// Bytes that can be read without blocking (FIONREAD), when the file knows.
    virtual Result<int> bytes_ready() { return Errno::enotty; }
    /// poll(2) readiness now: POLLIN, POLLOUT, POLLHUP, POLLERR bits. Files in the tree are
    /// always ready.
    virtual u32 poll_events() { return abi::pollin | abi::pollout | abi::pollrdnorm | abi::pollwrnorm; }
    /// Where the file announces that its readiness may have changed (pipes, terminals, eventfd,
    /// timerfd, signalfd, epoll): poll, select and epoll attach a PollWatcher to it and wait for
    /// the news rather than look again and again. nullptr for a file whose readiness never
    /// changes (files in the tree) or that nobody inside the kernel hears change (see below).
    virtual PollQueue* poll_queue() { return nullptr; }
    /// Whether readiness comes from outside the kernel (the host's console streams), so pollers
    /// must look again from time to time rather than wait for a wake-up.
    virtual bool is_polled_by_time() { return false; }
    /// Whether epoll may watch the file: Linux refuses files without a poll method (regular
    /// files, directories) with EPERM.
    bool can_poll() { return poll_queue() != nullptr || is_polled_by_time(); }
    /// Attaches `watcher` to the file's poll queue, when it has one.
    void watch_readiness(PollWatcher& watcher)
    {
        if (PollQueue* queue = poll_queue())
            watcher.attach(*queue);
    }
    /// Attaches `watcher` to hear when the file goes (its last reference is dropped).
    void watch_release(PollWatcher& watcher) { watcher.attach(m_release_watchers); }

    /// The dentry and inode behind the file, for files in the tree (not pipes or the console).
    virtual Dentry* dentry() { return nullptr; }
    virtual Inode* inode() { return nullptr; }
    /// The socket this file is (net/socket.h), or null: the socket calls' ENOTSOCK check.
    virtual Socket* socket() { return nullptr; }
    /// The epoll instance the file is, for epoll_ctl's checks (EINVAL, loops, nesting).
    virtual EpollFile* as_epoll() { return nullptr; }
    /// The timerfd or signalfd the file is, for the syscalls that change one (EINVAL otherwise).
    virtual TimerFile* as_timer() { return nullptr; }
    virtual SignalFile* as_signal() { return nullptr; }
    /// The POSIX message queue the file is open on, for the mq_* calls (EBADF otherwise).
    virtual MqueueFile* as_mqueue() { return nullptr; }
    /// The pidfd the file is, for the pidfd calls and waitid(P_PIDFD) (EBADF otherwise).
    virtual PidFile* as_pidfd() { return nullptr; }
    /// The inotify instance the file is, for inotify_add_watch and inotify_rm_watch (EINVAL).
    virtual InotifyFile* as_inotify() { return nullptr; }
    /// The eventfd the file is, for AIO's IOCB_FLAG_RESFD (EINVAL otherwise).
    virtual EventFile* as_eventfd() { return nullptr; }
    /// The pipe end (or FIFO) the file is, for splice, tee and vmsplice.
    virtual PipeFile* as_pipe() { return nullptr; }
    /// What /proc/PID/fd/N shows ("/etc/passwd", "pipe:[7]", "/dev/tty").
    virtual std::string description() = 0;

    /// open(2) status flags (O_ACCMODE bits, O_APPEND, O_NONBLOCK...).
    u32 status_flags() const { return m_status_flags; }
    void set_status_flags(u32 flags) { m_status_flags = flags; }
    bool is_readable() const { return (m_status_flags & o_accmode) != o_wronly && !(m_status_flags & o_path); }
    bool is_writable() const { return (m_status_flags & o_accmode) != o_rdonly && !(m_status_flags & o_path); }
    bool is_nonblocking() const { return m_status_flags & o_nonblock; }
    /// An O_PATH descriptor only names the file: I/O and changes through it are EBADF.
    bool is_path_only() const { return m_status_flags & o_path; }
    /// The file's hold on write access to its inode, taken by open for writing and kept for as
    /// long as the open file description lives (exec of the file is ETXTBSY meanwhile).
    void hold_write_access(WriteAccess access) { m_write_access.emplace(std::move(access)); }

protected:
    explicit File(u32 status_flags) : m_status_flags(status_flags) {}

private:
    u32 m_status_flags;
    PollQueue m_release_watchers;
    std::optional<WriteAccess> m_write_access;
};

} // namespace asterix::services
