#include "services/fs/flock.h"

#include <map>
#include <memory>
#include <vector>

#include "frame/task.h"
#include "services/process/process.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {

struct Holder {
    bool is_exclusive {false};
    /// The process that took it, for /proc/locks.
    i32 pid {0};
    /// Drops the lock when the open file description goes.
    std::unique_ptr<PollWatcher> release;
};

/// The locks on one inode: who holds them, and who waits for a change.
struct InodeLocks {
    std::map<File*, Holder> holders;
    frame::WaitQueue changed;
};

struct Flocks {
    std::map<const void*, InodeLocks> by_inode;
    /// Watchers of locks dropped from their own callback; freed at the next call.
    std::vector<std::unique_ptr<PollWatcher>> departed;
};

Flocks& flocks()
{
    static Flocks* state = new Flocks();
    return *state;
}

const void* key_of(File& file)
{
    if (Inode* inode = file.inode())
        return inode;
    return &file;
}

void unlock(const void* key, File& file, bool is_releasing)
{
    auto& state = flocks();
    auto locks = state.by_inode.find(key);
    if (locks == state.by_inode.end())
        return;
    auto holder = locks->second.holders.find(&file);
    if (holder == locks->second.holders.end())
        return;
    holder->second.release->detach();
    if (is_releasing)
        state.departed.push_back(std::move(holder->second.release));
    locks->second.holders.erase(holder);
    locks->second.changed.wake_all();
    if (locks->second.holders.empty() && locks->second.changed.is_empty())
        state.by_inode.erase(locks);
}

bool conflicts(const InodeLocks& locks, File& file, bool is_exclusive)
{
    for (const auto& [other, holder] : locks.holders) {
        if (other != &file && (holder.is_exclusive || is_exclusive))
            return true;
    }
    return false;
}

} // namespace

Result<void> flock(File& file, FlockKind kind, FlockWait wait)
{
    auto& state = flocks();
    state.departed.clear();
    const void* key = key_of(file);
    bool is_exclusive = kind == FlockKind::exclusive;
    if (auto locks = state.by_inode.find(key); locks != state.by_inode.end()) {
        auto holder = locks->second.holders.find(&file);
        if (holder != locks->second.holders.end() && kind != FlockKind::unlock && holder->second.is_exclusive == is_exclusive)
            return {};
    }
    // An unlock, or a conversion: the old lock goes first (flock(2): not atomic).
    unlock(key, file, false);
    if (kind == FlockKind::unlock)
        return {};
    for (;;) {
        auto& locks = state.by_inode[key];
        if (!conflicts(locks, file, is_exclusive))
            break;
        if (wait == FlockWait::nonblocking)
            return Errno::eagain;
        auto waited = wait_interruptible(locks.changed, ~0ull, "flock");
        if (waited.is_error()) {
            // Whoever woke us may have dropped the entry: look it up again.
            auto again = state.by_inode.find(key);
            if (again != state.by_inode.end() && again->second.holders.empty() && again->second.changed.is_empty())
                state.by_inode.erase(again);
            return waited.error();
        }
    }
    auto& holder = state.by_inode[key].holders[&file];
    holder.is_exclusive = is_exclusive;
    Process* process = ProcessTable::current();
    holder.pid = process ? process->pid() : 0;
    holder.release = std::make_unique<PollWatcher>([key, &file](u32) { unlock(key, file, true); });
    file.watch_release(*holder.release);
    return {};
}

void for_each_flock(const std::function<void(File& file, bool is_exclusive, i32 pid)>& fn)
{
    for (auto& [key, locks] : flocks().by_inode) {
        for (auto& [file, holder] : locks.holders)
            fn(*file, holder.is_exclusive, holder.pid);
    }
}

} // namespace asterix::services
