#include "services/fs/record_lock.h"

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "frame/format.h"
#include "frame/task.h"
#include "services/fs/flock.h"
#include "services/fs/inode.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {

/// The record locks on one inode, and the tasks that wait for one of them to change.
struct InodeLocks {
    Inode* inode {nullptr};
    std::vector<RecordLock> locks;
    frame::WaitQueue changed;
    /// Requests blocked here: the entry stays while they wait.
    usize waiter_count {0};
};

/// A blocked F_SETLKW of a POSIX owner, for the deadlock check.
struct Waiter {
    const void* key;
    RecordLock request;
};

struct RecordLocks {
    std::map<const void*, InodeLocks> by_inode;
    std::vector<Waiter*> waiters;
    /// Drop an open file description's OFD locks when its last reference goes.
    std::map<const File*, std::unique_ptr<PollWatcher>> ofd_release;
    /// Watchers that fired from their own callback; freed at the next call.
    std::vector<std::unique_ptr<PollWatcher>> departed;
};

RecordLocks& record_locks()
{
    static RecordLocks* state = new RecordLocks();
    return *state;
}

const void* key_of(File& file)
{
    if (Inode* inode = file.inode())
        return inode;
    return &file;
}

bool overlaps(const RecordLock& a, const RecordLock& b) { return a.start <= b.end && b.start <= a.end; }

bool conflicts(const RecordLock& held, const RecordLock& request)
{
    return held.owner != request.owner && overlaps(held, request)
        && (held.type == RecordLock::Type::write || request.type == RecordLock::Type::write);
}

const RecordLock* first_conflict(const InodeLocks& locks, const RecordLock& request)
{
    for (const RecordLock& held : locks.locks) {
        if (conflicts(held, request))
            return &held;
    }
    return nullptr;
}

/// Linux's posix_locks_deadlock: follows "the owner of the lock in the way waits for a lock
/// whose owner waits for..." and fails when the chain comes back to the caller. OFD locks have
/// no process to follow and are never part of it. The walk is bounded, as Linux's is.
bool would_deadlock(const RecordLock& request, const RecordLock& blocker)
{
    constexpr int max_steps = 10;
    auto& state = record_locks();
    const void* owner = blocker.owner;
    if (request.is_ofd || blocker.is_ofd)
        return false;
    for (int step = 0; step < max_steps; ++step) {
        auto waiter = std::find_if(state.waiters.begin(), state.waiters.end(),
            [owner](const Waiter* w) { return w->request.owner == owner; });
        if (waiter == state.waiters.end())
            return false;
        auto locks = state.by_inode.find((*waiter)->key);
        if (locks == state.by_inode.end())
            return false;
        const RecordLock* next = first_conflict(locks->second, (*waiter)->request);
        if (!next || next->is_ofd)
            return false;
        if (next->owner == request.owner)
            return true;
        owner = next->owner;
    }
    return false;
}

void forget_if_unused(const void* key)
{
    auto& state = record_locks();
    auto locks = state.by_inode.find(key);
    if (locks != state.by_inode.end() && locks->second.locks.empty() && locks->second.waiter_count == 0
        && locks->second.changed.is_empty())
        state.by_inode.erase(locks);
}

/// Replaces the owner's locks over the request's range with the request (nothing for an
/// unlock), then merges it with the owner's adjacent locks of the same type.
void apply(InodeLocks& locks, const RecordLock& request)
{
    std::vector<RecordLock> kept;
    for (const RecordLock& held : locks.locks) {
        if (held.owner != request.owner || !overlaps(held, request)) {
            kept.push_back(held);
            continue;
        }
        if (held.start < request.start) {
            RecordLock before = held;
            before.end = request.start - 1;
            kept.push_back(before);
        }
        if (held.end > request.end) {
            RecordLock after = held;
            after.start = request.end + 1;
            kept.push_back(after);
        }
    }
    if (request.type != RecordLock::Type::unlock) {
        RecordLock merged = request;
        std::erase_if(kept, [&merged](const RecordLock& held) {
            if (held.owner != merged.owner || held.type != merged.type)
                return false;
            if (held.end != lock_offset_max && held.end + 1 == merged.start) {
                merged.start = held.start;
                return true;
            }
            if (merged.end != lock_offset_max && merged.end + 1 == held.start) {
                merged.end = held.end;
                return true;
            }
            return false;
        });
        kept.push_back(merged);
    }
    std::sort(kept.begin(), kept.end(), [](const RecordLock& a, const RecordLock& b) { return a.start < b.start; });
    locks.locks = std::move(kept);
    locks.changed.wake_all();
}

void release_ofd_locks(const File* file)
{
    auto& state = record_locks();
    std::vector<const void*> emptied;
    for (auto& [key, locks] : state.by_inode) {
        if (std::erase_if(locks.locks, [file](const RecordLock& held) { return held.owner == file; }) > 0) {
            locks.changed.wake_all();
            emptied.push_back(key);
        }
    }
    for (const void* key : emptied)
        forget_if_unused(key);
    auto watcher = state.ofd_release.find(file);
    if (watcher != state.ofd_release.end()) {
        watcher->second->detach();
        state.departed.push_back(std::move(watcher->second));
        state.ofd_release.erase(watcher);
    }
}

const char* type_name(RecordLock::Type type) { return type == RecordLock::Type::write ? "WRITE" : "READ "; }

/// Linux's MAJOR and MINOR of a device number in the encoding stat(2) returns.
std::string device_text(Inode* inode)
{
    u64 dev = 0;
    u64 ino = 0;
    if (inode) {
        if (auto st = inode->stat(); !st.is_error()) {
            dev = st.value().dev;
            ino = st.value().ino;
        }
    }
    u64 major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~u64 {0xfff});
    u64 minor = (dev & 0xff) | ((dev >> 12) & ~u64 {0xff});
    return frame::format("%02llx:%02llx:%llu", static_cast<unsigned long long>(major),
        static_cast<unsigned long long>(minor), static_cast<unsigned long long>(ino));
}

} // namespace

std::optional<RecordLock> find_conflicting_lock(File& file, const RecordLock& request)
{
    auto& state = record_locks();
    auto locks = state.by_inode.find(key_of(file));
    if (locks == state.by_inode.end())
        return std::nullopt;
    if (const RecordLock* held = first_conflict(locks->second, request))
        return *held;
    return std::nullopt;
}

Result<void> set_record_lock(File& file, const RecordLock& request, LockWait wait)
{
    auto& state = record_locks();
    state.departed.clear();
    const void* key = key_of(file);
    if (request.type != RecordLock::Type::unlock) {
        for (;;) {
            auto& locks = state.by_inode[key];
            locks.inode = file.inode();
            const RecordLock* held = first_conflict(locks, request);
            if (!held)
                break;
            if (wait == LockWait::nonblocking) {
                forget_if_unused(key);
                return Errno::eagain;
            }
            if (would_deadlock(request, *held)) {
                forget_if_unused(key);
                return Errno::edeadlk;
            }
            Waiter waiter {key, request};
            state.waiters.push_back(&waiter);
            ++locks.waiter_count;
            auto waited = wait_interruptible(locks.changed, ~0ull, "fcntl lock");
            std::erase(state.waiters, &waiter);
            --state.by_inode[key].waiter_count;
            if (waited.is_error()) {
                forget_if_unused(key);
                return waited.error();
            }
        }
    } else if (!state.by_inode.contains(key)) {
        return {};
    }
    apply(state.by_inode[key], request);
    forget_if_unused(key);
    if (request.is_ofd && request.type != RecordLock::Type::unlock && !state.ofd_release.contains(&file)) {
        const File* owner = &file;
        auto watcher = std::make_unique<PollWatcher>([owner](u32) { release_ofd_locks(owner); });
        file.watch_release(*watcher);
        state.ofd_release.emplace(owner, std::move(watcher));
    }
    return {};
}

void release_record_locks(File& file, const void* owner)
{
    auto& state = record_locks();
    const void* key = key_of(file);
    auto locks = state.by_inode.find(key);
    if (locks == state.by_inode.end())
        return;
    if (std::erase_if(locks->second.locks, [owner](const RecordLock& held) { return held.owner == owner; }) > 0)
        locks->second.changed.wake_all();
    forget_if_unused(key);
}

std::string proc_locks_text()
{
    std::string out;
    int id = 0;
    for (auto& [key, locks] : record_locks().by_inode) {
        for (const RecordLock& held : locks.locks) {
            std::string end = held.end == lock_offset_max ? "EOF" : std::to_string(held.end);
            out += frame::format("%d: %s ADVISORY  %s %d %s %lld %s\n", ++id, held.is_ofd ? "OFDLCK" : "POSIX ",
                type_name(held.type), held.is_ofd ? -1 : held.pid, device_text(locks.inode).c_str(),
                static_cast<long long>(held.start), end.c_str());
        }
    }
    for_each_flock([&out, &id](File& file, bool is_exclusive, i32 pid) {
        out += frame::format("%d: FLOCK  ADVISORY  %s %d %s 0 EOF\n", ++id, is_exclusive ? "WRITE" : "READ ", pid,
            device_text(file.inode()).c_str());
    });
    return out;
}

} // namespace asterix::services
