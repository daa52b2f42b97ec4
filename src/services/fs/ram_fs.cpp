#include "services/fs/ram_fs.h"

#include "frame/clock.h"
#include "frame/frame_io.h"
#include "frame/phys_mem.h"
#include "services/abi/fcntl.h"
#include "services/abi/magic.h"
#include "services/fs/dentry.h"
#include "services/fs/fifo.h"
#include "services/kernel_memory.h"

namespace asterix::services {

namespace {
constexpr usize chunk_bytes = 64 * 1024;
u64 g_next_dev = 0x100;

Result<void> check_name(std::string_view name)
{
    if (name.size() > name_max)
        return Errno::enametoolong;
    return {};
}
} // namespace

Ref<Inode> RamFs::make_tmpfs(u64 max_bytes)
{
    auto fs = make_ref<RamFs>("tmpfs", max_bytes, abi::tmpfs_magic);
    fs->set_dev(g_next_dev++);
    fs->set_max_inodes(std::max<u64>(max_bytes / page_size, 1));
    return Ref<Inode>(make_ref<RamInode>(fs, s_ifdir | 01777, 0, 0));
}

Result<void> RamFs::check_inode_room() const
{
    if (used_inodes >= m_max_inodes)
        return Errno::enospc;
    // The inode, its directory entry and name live on the kernel heap: the instance's kernel
    // memory must have room for them (ENOMEM, as Linux's kmem accounting gives).
    if (KernelMemory::used_bytes() + RamInode::kernel_bytes > KernelMemory::limit_bytes())
        return Errno::enomem;
    return {};
}

namespace {
/// The tmpfs of shared anonymous memory and memfds, mounted nowhere.
Ref<RamFs> shared_memory_fs()
{
    static Ref<RamFs> shmem = [] {
        auto fs = make_ref<RamFs>("tmpfs", ~0ull, abi::tmpfs_magic);
        fs->set_dev(g_next_dev++);
        return fs;
    }();
    return shmem;
}
} // namespace

Result<Ref<File>> RamFs::make_shared_anonymous(u64 size)
{
    auto inode = make_ref<RamInode>(shared_memory_fs(), s_ifreg | 0600, 0, 0);
    TRY(inode->truncate(size));
    auto dentry = make_ref<Dentry>("dev/zero", Ref<Dentry>(), Ref<Inode>(inode));
    return inode->open(dentry, o_rdwr);
}

Result<Ref<File>> RamFs::make_sysv_segment(u64 size, std::string_view name)
{
    auto inode = make_ref<RamInode>(shared_memory_fs(), s_ifreg | 0600, 0, 0);
    TRY(inode->truncate(size));
    static Ref<Dentry> root = make_ref<Dentry>("", Ref<Dentry>(), make_ref<RamInode>(shared_memory_fs(), s_ifdir | 01777, 0, 0));
    auto dentry = make_ref<Dentry>(std::string(name), root, Ref<Inode>(inode));
    dentry->set_detached();
    return inode->open(dentry, o_rdwr);
}

Result<Ref<File>> RamFs::make_memfd(std::string_view name, u32 uid, u32 gid, bool is_sealable)
{
    auto inode = make_ref<RamInode>(shared_memory_fs(), s_ifreg | 0777, uid, gid);
    inode->make_memfd(is_sealable ? 0u : abi::f_seal_seal);
    // Linux shows a memfd as "/memfd:NAME (deleted)" in /proc/PID/fd and maps: a name under
    // the root of the internal tmpfs, never in its directory.
    static Ref<Dentry> root = make_ref<Dentry>("", Ref<Dentry>(), make_ref<RamInode>(shared_memory_fs(), s_ifdir | 01777, 0, 0));
    auto dentry = make_ref<Dentry>("memfd:" + std::string(name), root, Ref<Inode>(inode));
    dentry->set_detached();
    return inode->open(dentry, o_rdwr);
}

Result<u32> RamInode::seals()
{
    if (!m_seals)
        return Errno::einval;
    return *m_seals;
}

Result<void> RamInode::add_seals(u32 seals)
{
    if (!m_seals)
        return Errno::einval;
    if (*m_seals & abi::f_seal_seal)
        return Errno::eperm;
    *m_seals |= seals;
    return {};
}

RamInode::RamInode(Ref<RamFs> fs, u32 mode, u32 uid, u32 gid)
    : Inode(mode), m_fs(std::move(fs)), m_ino(m_fs->next_ino()), m_mode(mode), m_uid(uid), m_gid(gid),
      m_pages(make_ref<PageCache>())
{
    if (is_directory())
        m_nlink = 2;
    touch_modified();
    m_atime_sec = m_mtime_sec;
    m_atime_nsec = m_mtime_nsec;
    ++m_fs->used_inodes;
    // check_inode_room() saw room; should it not be there, the inode is simply not charged.
    static_cast<void>(m_charge.grow(kernel_bytes));
}

RamInode::~RamInode()
{
    // The last reference to the inode went (unlinked and closed): its pages are free space again.
    m_fs->used_bytes -= std::min<u64>(m_fs->used_bytes, m_pages->pages().size() * page_size);
    --m_fs->used_inodes;
}

void RamInode::touch_modified()
{
    u64 now = frame::realtime_ns();
    m_mtime_sec = m_ctime_sec = static_cast<i64>(now / 1'000'000'000);
    m_mtime_nsec = m_ctime_nsec = static_cast<i64>(now % 1'000'000'000);
}

Result<frame::FileStat> RamInode::stat()
{
    frame::FileStat st {};
    st.dev = m_fs->dev();
    st.ino = m_ino;
    st.mode = m_mode;
    st.nlink = m_nlink;
    st.uid = m_uid;
    st.gid = m_gid;
    st.rdev = m_rdev;
    st.size = static_cast<i64>(is_symlink() ? m_link_target.size() : m_size);
    st.blksize = page_size;
    st.blocks = static_cast<i64>(m_pages->pages().size() * (page_size / 512));
    st.atime_sec = m_atime_sec;
    st.atime_nsec = m_atime_nsec;
    st.mtime_sec = m_mtime_sec;
    st.mtime_nsec = m_mtime_nsec;
    st.ctime_sec = m_ctime_sec;
    st.ctime_nsec = m_ctime_nsec;
    return st;
}

Result<Ref<Inode>> RamInode::lookup(std::string_view name)
{
    if (!is_directory())
        return Errno::enotdir;
    TRY(check_name(name));
    auto it = m_children.find(name);
    if (it == m_children.end())
        return Errno::enoent;
    return Ref<Inode>(it->second);
}

Result<std::vector<DirEntry>> RamInode::read_dir()
{
    if (!is_directory())
        return Errno::enotdir;
    std::vector<DirEntry> entries;
    for (auto& [name, child] : m_children)
        entries.push_back({child->m_ino, dirent_type(child->m_mode), name});
    return entries;
}

void RamInode::add_child(std::string name, Ref<RamInode> child)
{
    if (child->is_directory())
        ++m_nlink;
    m_children.insert_or_assign(std::move(name), std::move(child));
}

Result<Ref<RamInode>> RamInode::make_child(std::string_view name, u32 mode, Owner owner)
{
    if (!is_directory())
        return Errno::enotdir;
    TRY(check_name(name));
    if (m_children.contains(name))
        return Errno::eexist;
    TRY(m_fs->check_inode_room());
    auto child = make_ref<RamInode>(m_fs, mode, owner.uid, owner.gid);
    add_child(std::string(name), child);
    touch_modified();
    return child;
}

Result<Ref<Inode>> RamInode::create(std::string_view name, u32 mode, Owner owner)
{
    return Ref<Inode>(TRY(make_child(name, s_ifreg | (mode & 07777), owner)));
}

Result<void> RamInode::mkdir(std::string_view name, u32 mode, Owner owner)
{
    TRY(make_child(name, s_ifdir | (mode & 07777), owner));
    return {};
}

Result<void> RamInode::mkfifo(std::string_view name, u32 mode, Owner owner)
{
    TRY(make_child(name, s_ififo | (mode & 07777), owner));
    return {};
}

Result<void> RamInode::mksock(std::string_view name, u32 mode, Owner owner)
{
    TRY(make_child(name, s_ifsock | (mode & 07777), owner));
    return {};
}

Result<void> RamInode::symlink(std::string_view name, std::string_view target, Owner owner)
{
    auto link = TRY(make_child(name, s_iflnk | 0777, owner));
    link->m_link_target = std::string(target);
    return {};
}

Result<void> RamInode::link(std::string_view name, Inode& target)
{
    if (&target.fs() != m_fs.ptr())
        return Errno::exdev;
    if (target.is_directory())
        return Errno::eperm;
    TRY(check_name(name));
    if (m_children.contains(name))
        return Errno::eexist;
    auto& ram_target = static_cast<RamInode&>(target);
    ++ram_target.m_nlink;
    m_children.insert_or_assign(std::string(name), Ref<RamInode>(&ram_target));
    touch_modified();
    return {};
}

Result<void> RamInode::unlink(std::string_view name, bool is_directory)
{
    auto it = m_children.find(name);
    if (it == m_children.end())
        return Errno::enoent;
    RamInode& child = *it->second;
    if (is_directory) {
        if (!child.is_directory())
            return Errno::enotdir;
        if (!child.m_children.empty())
            return Errno::enotempty;
        --m_nlink;
        // rmdir(2): the "." link goes with the entry, so a directory still open shows 0 links.
        --child.m_nlink;
    } else if (child.is_directory()) {
        return Errno::eisdir;
    }
    --child.m_nlink;
    m_children.erase(it);
    touch_modified();
    return {};
}

Result<void> RamInode::rename(std::string_view name, Inode& new_dir, std::string_view new_name, u32 flags)
{
    if (&new_dir.fs() != m_fs.ptr())
        return Errno::exdev;
    if (flags & ~(abi::rename_noreplace | abi::rename_exchange))
        return Errno::einval;
    TRY(check_name(new_name));
    auto& target_dir = static_cast<RamInode&>(new_dir);
    auto it = m_children.find(name);
    if (it == m_children.end())
        return Errno::enoent;
    Ref<RamInode> moving = it->second;
    auto existing = target_dir.m_children.find(new_name);
    if (flags & abi::rename_exchange) {
        if (existing == target_dir.m_children.end())
            return Errno::enoent;
        Ref<RamInode> other = existing->second;
        if (moving->is_directory() != other->is_directory()) {
            // Directory link counts follow the directories across their parents.
            if (moving->is_directory()) {
                --m_nlink;
                ++target_dir.m_nlink;
            } else {
                ++m_nlink;
                --target_dir.m_nlink;
            }
        }
        std::swap(it->second, existing->second);
        touch_modified();
        target_dir.touch_modified();
        return {};
    }
    if (existing != target_dir.m_children.end()) {
        if (flags & abi::rename_noreplace)
            return Errno::eexist;
        // rename(2): two links to the same file: nothing happens, both stay.
        if (existing->second == moving)
            return {};
        RamInode& victim = *existing->second;
        if (victim.is_directory() && !moving->is_directory())
            return Errno::eisdir;
        if (!victim.is_directory() && moving->is_directory())
            return Errno::enotdir;
        if (victim.is_directory() && !victim.m_children.empty())
            return Errno::enotempty;
        TRY(target_dir.unlink(new_name, victim.is_directory()));
    }
    m_children.erase(m_children.find(name));
    if (moving->is_directory())
        --m_nlink;
    target_dir.add_child(std::string(new_name), moving);
    touch_modified();
    target_dir.touch_modified();
    return {};
}

Result<std::string> RamInode::read_link()
{
    if (!is_symlink())
        return Errno::einval;
    return m_link_target;
}

Result<Ref<File>> RamInode::open(const Ref<Dentry>& dentry, u32 flags)
{
    if (type_bits() == s_ififo && !(flags & o_path))
        return open_fifo(dentry, m_fs->dev(), m_ino, flags);
    if (!is_regular() && !is_directory() && !(flags & o_path))
        return Errno::enxio;
    return Ref<File>(make_ref<InodeFile>(dentry, is_regular() ? this : nullptr, flags));
}

Result<void> RamInode::set_attr(const SetAttr& attr)
{
    if (attr.size)
        TRY(truncate(*attr.size));
    if (attr.mode)
        m_mode = (m_mode & s_ifmt) | (*attr.mode & 07777);
    if (attr.uid && *attr.uid != ~0u)
        m_uid = *attr.uid;
    if (attr.gid && *attr.gid != ~0u)
        m_gid = *attr.gid;
    u64 now = frame::realtime_ns();
    auto apply = [&](i64 sec, i64 nsec, i64& out_sec, i64& out_nsec) {
        if (nsec == -2)
            return;
        if (nsec == -1) {
            out_sec = static_cast<i64>(now / 1'000'000'000);
            out_nsec = static_cast<i64>(now % 1'000'000'000);
        } else {
            out_sec = sec;
            out_nsec = nsec;
        }
    };
    if (attr.has_times) {
        apply(attr.atime_sec, attr.atime_nsec, m_atime_sec, m_atime_nsec);
        apply(attr.mtime_sec, attr.mtime_nsec, m_mtime_sec, m_mtime_nsec);
    }
    m_ctime_sec = static_cast<i64>(now / 1'000'000'000);
    m_ctime_nsec = static_cast<i64>(now % 1'000'000'000);
    return {};
}

Result<frame::StatFs> RamInode::statfs()
{
    u64 blocks = m_fs->max_bytes() / page_size;
    u64 used = m_fs->used_bytes / page_size;
    u64 files = m_fs->max_inodes() == ~0ull ? blocks : m_fs->max_inodes();
    return frame::StatFs {m_fs->magic(), page_size, blocks, blocks - std::min(used, blocks),
        blocks - std::min(used, blocks), files, files - std::min(m_fs->used_inodes, files), m_fs->dev(), name_max,
        page_size, 0};
}

Result<usize> RamInode::read_at(u64 offset, frame::UserWriter& out)
{
    if (offset >= m_size)
        return 0;
    u64 end = std::min(m_size, offset + out.remaining());
    usize total = 0;
    static const std::array<u8, page_size> zeros {};
    while (offset + total < end) {
        u64 pos = offset + total;
        u64 in_page = pos % page_size;
        u64 len = std::min<u64>(page_size - in_page, end - pos);
        // A page that is cached (and maybe mapped and changing) is copied straight to the
        // reader; a hole reads as zeros.
        const frame::Frame* page = m_pages->find(pos / page_size);
        auto n = page ? frame::FrameReader(*page).read_to(in_page, len, out)
                      : out.write(std::span(zeros).subspan(in_page, len));
        if (n.is_error())
            return total ? Result<usize>(total) : n.error();
        total += len;
    }
    return total;
}

Result<usize> RamInode::write_at(u64 offset, frame::UserReader& in)
{
    // memfd_create(2): F_SEAL_WRITE forbids writes, F_SEAL_GROW writes past the end.
    if (m_seals && (*m_seals & (abi::f_seal_write | abi::f_seal_future_write)))
        return Errno::eperm;
    if (m_seals && (*m_seals & abi::f_seal_grow) && offset + in.remaining() > m_size)
        return Errno::eperm;
    std::array<u8, page_size> buffer;
    usize total = 0;
    Errno error {};
    while (in.remaining() > 0) {
        u64 pos = offset + total;
        u64 in_page = pos % page_size;
        u64 len = std::min<u64>(page_size - in_page, in.remaining());
        bool is_new_page = !m_pages->find(pos / page_size);
        if (is_new_page && m_fs->used_bytes + page_size > m_fs->max_bytes()) {
            error = Errno::enospc;
            break;
        }
        auto page = m_pages->get(pos / page_size, [](u64, std::span<u8>) -> Result<void> { return {}; });
        if (page.is_error()) {
            error = Errno::enospc;
            break;
        }
        if (is_new_page)
            m_fs->used_bytes += page_size;
        auto got = in.read(std::span(buffer).first(len));
        if (got.is_error()) {
            error = got.error();
            break;
        }
        MUST(frame::FrameWriter(page.value()).write(in_page, std::span(buffer).first(len)));
        total += len;
    }
    if (total == 0 && error != Errno {})
        return error;
    // A short write (the file system filled up, a bad guest page) still wrote what it counts:
    // the size covers it, as write(2) promises.
    m_size = std::max(m_size, offset + total);
    touch_modified();
    return total;
}

Result<void> RamInode::fill_page(u64 index, std::span<u8> page)
{
    // A page of a hole or past the end: zero, now counted as used.
    if (m_fs->used_bytes + page_size > m_fs->max_bytes())
        return Errno::enospc;
    m_fs->used_bytes += page_size;
    return {};
}

Result<void> RamInode::truncate(u64 size)
{
    if (is_directory())
        return Errno::eisdir;
    if (m_seals && (*m_seals & (size < m_size ? abi::f_seal_shrink : size > m_size ? abi::f_seal_grow : 0)))
        return Errno::eperm;
    u64 before = m_pages->pages().size();
    m_pages->truncate(size);
    m_fs->used_bytes -= (before - m_pages->pages().size()) * page_size;
    m_size = size;
    touch_modified();
    return {};
}

} // namespace asterix::services
