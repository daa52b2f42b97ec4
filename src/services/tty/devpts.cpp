#include "services/tty/devpts.h"

#include <map>
#include <memory>

#include "services/fs/dentry.h"
#include "services/fs/ram_fs.h"
#include "services/process/process_table.h"
#include "services/tty/pty_driver.h"

namespace asterix::services {

namespace {
/// Linux's default /proc/sys/kernel/pty/max.
constexpr u32 max_ptys = 4096;
constexpr u32 pty_slave_major = 136;
/// Inode numbers of slaves start after the root's, as devpts numbers them (N + 3).
constexpr u64 first_slave_ino = 3;

struct PtyEntry {
    Tty* tty;
    PtyDriver* driver;
};

/// The pairs by number. The entries do not own: a pair's files own its Tty, and its driver's
/// destructor takes the entry out.
std::map<u32, PtyEntry>& ptys()
{
    static std::map<u32, PtyEntry> all;
    return all;
}

Ref<RamFs> dev_pts_instance()
{
    static Ref<RamFs> fs = [] {
        auto made = make_ref<RamFs>("devpts", 0, 0x1cd1);
        made->set_dev(0x18);
        return made;
    }();
    return fs;
}

/// The entry of a pair whose master is still open: the ones /dev/pts shows.
PtyEntry* find_visible(u32 index)
{
    auto found = ptys().find(index);
    if (found == ptys().end() || !found->second.driver->is_master_open())
        return nullptr;
    return &found->second;
}

/// /dev/pts/N: a character device owned by whoever opened /dev/ptmx, mode 0620 as with
/// devpts's usual mount options.
class PtsSlaveInode final : public RamInode {
public:
    PtsSlaveInode(u32 index, u32 uid, u32 gid) : RamInode(dev_pts_instance(), s_ifchr | 0620, uid, gid), m_index(index)
    {
        m_ino = first_slave_ino + index;
        m_rdev = (u64 {pty_slave_major} << 8) | (index & 0xff) | (u64 {index & ~0xffu} << 12);
    }

    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override
    {
        if (flags & o_path)
            return RamInode::open(dentry, flags);
        PtyEntry* entry = find_visible(m_index);
        if (!entry)
            return Errno::eio;
        return open_pty_slave(Ref<Tty>(entry->tty), *entry->driver, flags);
    }

private:
    u32 m_index;
};

class PtsDir final : public RamInode {
public:
    PtsDir() : RamInode(dev_pts_instance(), s_ifdir | 0755, 0, 0) {}

    Result<Ref<Inode>> lookup(std::string_view name) override
    {
        // Only the canonical spelling of a number names a slave ("07" does not).
        if (name.empty() || name.size() > 5 || (name.size() > 1 && name[0] == '0'))
            return Errno::enoent;
        u32 index = 0;
        for (char digit : name) {
            if (digit < '0' || digit > '9')
                return Errno::enoent;
            index = index * 10 + static_cast<u32>(digit - '0');
        }
        PtyEntry* entry = find_visible(index);
        if (!entry)
            return Errno::enoent;
        return Ref<Inode>(entry->driver->slave_inode());
    }

    Result<std::vector<DirEntry>> read_dir() override
    {
        std::vector<DirEntry> entries;
        for (auto& [index, entry] : ptys()) {
            if (entry.driver->is_master_open())
                entries.push_back({first_slave_ino + index, dirent_type(s_ifchr), std::to_string(index)});
        }
        return entries;
    }
};
} // namespace

Ref<Inode> make_dev_pts_fs() { return Ref<Inode>(make_ref<PtsDir>()); }

Result<Ref<File>> open_pty_master(const Ref<Dentry>& ptmx, u32 status_flags)
{
    u32 index = 0;
    for (auto& [taken, entry] : ptys()) {
        if (taken != index)
            break;
        ++index;
    }
    if (index >= max_ptys)
        return Errno::enospc;
    u32 uid = 0;
    u32 gid = 0;
    if (Thread* thread = ProcessTable::current_thread()) {
        uid = thread->credentials().fsuid;
        gid = thread->credentials().fsgid;
    }
    auto driver = std::make_unique<PtyDriver>(index, make_ref<PtsSlaveInode>(index, uid, gid));
    PtyDriver& pty = *driver;
    auto tty = make_ref<Tty>(std::move(driver));
    ptys()[index] = {tty.ptr(), &pty};
    return Ref<File>(make_ref<PtyMasterFile>(tty, pty, ptmx, status_flags & ~o_noctty));
}

void release_pty_index(u32 index) { ptys().erase(index); }

} // namespace asterix::services
