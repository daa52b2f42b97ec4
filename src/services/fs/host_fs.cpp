#include "services/fs/host_fs.h"

#include <algorithm>
#include <array>
#include <functional>
#include <optional>

#include "frame/frame_io.h"
#include "services/abi/fcntl.h"
#include "services/abi/stat.h"
#include "services/fs/attribute_epoch.h"
#include "services/fs/file_size_limit.h"
#include "services/fs/fifo.h"
#include "services/fs/inode_file.h"

namespace asterix::services {

namespace {
constexpr usize chunk_bytes = 64 * 1024;
}

Result<Ref<Inode>> HostFs::mount(bool is_read_only)
{
    auto fs = make_ref<HostFs>(is_read_only);
    auto node = TRY(frame::HostNode::root());
    auto st = TRY(node.stat());
    return Ref<Inode>(make_ref<HostInode>(fs, std::move(node), st));
}

Result<Ref<Inode>> HostFs::mount_volume(u32 index, bool is_read_only)
{
    auto fs = make_ref<HostFs>(is_read_only);
    auto node = TRY(frame::HostNode::volume(index));
    auto st = TRY(node.stat());
    return Ref<Inode>(make_ref<HostInode>(fs, std::move(node), st));
}

HostInode::HostInode(Ref<HostFs> fs, frame::HostNode node, const frame::FileStat& st)
    : Inode(st.mode), m_fs(std::move(fs)), m_node(std::move(node))
{
    remember_stat(st);
}

namespace {
PageCache::HostVersion host_version(const frame::FileStat& st)
{
    return {st.size, st.mtime_sec, st.mtime_nsec, st.ctime_sec, st.ctime_nsec};
}
} // namespace

void HostInode::remember_stat(const frame::FileStat& st)
{
    m_stat = st;
    m_stat_epoch = AttributeEpoch::current();
    // A cached inode outlives its opens: when the host file changed since its pages were read
    // and no open file or mapping (which holds an open file) uses them, the cache is asked for
    // again, and starts empty.
    if (m_cache && m_open_files == 0 && m_cache->host_version() != host_version(st))
        m_cache = {};
}

Result<frame::FileStat> HostInode::stat()
{
    if (m_stat_epoch != AttributeEpoch::current())
        remember_stat(TRY(m_node.stat()));
    return m_stat;
}

Result<Ref<Inode>> HostInode::lookup(std::string_view name)
{
    auto node = TRY(m_node.lookup(name));
    auto st = TRY(node.stat());
    return Ref<Inode>(make_ref<HostInode>(m_fs, std::move(node), st));
}

Result<bool> HostInode::revalidate(std::string_view name, Inode& child)
{
    if (&child.fs() != m_fs.ptr())
        return false;
    auto& host_child = static_cast<HostInode&>(child);
    if (host_child.m_stat_epoch == AttributeEpoch::current())
        return true; // looked up or checked since the guest last ran
    auto now = m_node.stat_child(name);
    if (now.is_error()) {
        if (now.error() == Errno::enoent)
            return false;
        return now.error();
    }
    // A node's device and inode number never change, so the remembered ones are good.
    const auto& st = now.value();
    if (st.dev != host_child.m_stat.dev || st.ino != host_child.m_stat.ino)
        return false;
    host_child.remember_stat(st);
    return true;
}

Result<std::vector<DirEntry>> HostInode::read_dir()
{
    auto dir = TRY(m_node.open(frame::HostAccess::read_only));
    auto host_entries = TRY(dir.read_dir());
    std::vector<DirEntry> entries;
    entries.reserve(host_entries.size());
    for (auto& entry : host_entries)
        entries.push_back({entry.ino, entry.type, std::move(entry.name)});
    return entries;
}

namespace {
/// The mode a host object may have: no setuid or setgid file on a nosuid mount.
u32 host_mode(const FileSystem& fs, u32 type, u32 mode)
{
    if (!fs.is_nosuid())
        return mode & 07777;
    if (type == s_ifdir)
        return mode & 07777 & ~abi::s_isuid;
    return mode & 07777 & ~(abi::s_isuid | abi::s_isgid);
}

frame::HostOwner host_owner(Owner owner) { return {owner.uid, owner.gid}; }
} // namespace

Result<Ref<Inode>> HostInode::create(std::string_view name, u32 mode, Owner owner)
{
    AttributeEpoch::advance();
    auto node = TRY(m_node.create(name, host_mode(*m_fs, s_ifreg, mode), host_owner(owner)));
    auto st = TRY(node.stat());
    return Ref<Inode>(make_ref<HostInode>(m_fs, std::move(node), st));
}

Result<void> HostInode::mkdir(std::string_view name, u32 mode, Owner owner)
{
    AttributeEpoch::advance();
    return m_node.mkdir(name, host_mode(*m_fs, s_ifdir, mode), host_owner(owner));
}

Result<void> HostInode::mkfifo(std::string_view name, u32 mode, Owner owner)
{
    AttributeEpoch::advance();
    return m_node.mkfifo(name, host_mode(*m_fs, s_ififo, mode), host_owner(owner));
}

Result<void> HostInode::mksock(std::string_view name, u32 mode, Owner owner)
{
    AttributeEpoch::advance();
    return m_node.mksock(name, host_mode(*m_fs, s_ifsock, mode), host_owner(owner));
}

Result<void> HostInode::symlink(std::string_view name, std::string_view target, Owner owner)
{
    AttributeEpoch::advance();
    return m_node.symlink(name, target, host_owner(owner));
}

Result<void> HostInode::link(std::string_view name, Inode& target)
{
    if (&target.fs() != m_fs.ptr())
        return Errno::exdev;
    AttributeEpoch::advance();
    return m_node.link(name, static_cast<HostInode&>(target).m_node);
}

Result<void> HostInode::rename(std::string_view name, Inode& new_dir, std::string_view new_name, u32 flags)
{
    if (&new_dir.fs() != m_fs.ptr())
        return Errno::exdev;
    AttributeEpoch::advance();
    return m_node.rename(name, static_cast<HostInode&>(new_dir).m_node, new_name, flags);
}

Result<Ref<File>> HostInode::open(const Ref<Dentry>& dentry, u32 flags)
{
    u32 access = flags & o_accmode;
    if (type_bits() == s_ififo && !(flags & o_path))
        return open_fifo(dentry, m_stat.dev, m_stat.ino, flags);
    if (!is_regular() && !is_directory() && !(flags & o_path))
        return Errno::enxio; // FIXME: host devices and sockets are not passed through
    if (is_regular() && !(flags & o_path))
        TRY(data(access != o_rdonly));
    FileData* file_data = is_regular() ? this : nullptr;
    auto file = make_ref<InodeFile>(dentry, file_data, flags);
    ++m_open_files;
    return Ref<File>(std::move(file));
}

void HostInode::file_closed()
{
    if (m_open_files > 0 && --m_open_files == 0)
        m_data.reset();
}

Result<void> HostInode::unlink(std::string_view name, bool is_directory)
{
    AttributeEpoch::advance();
    return m_node.unlink(name, is_directory);
}

Result<void> HostInode::set_attr(const SetAttr& attr)
{
    AttributeEpoch::advance();
    if (attr.mode)
        TRY(m_node.chmod(host_mode(*m_fs, type_bits(), *attr.mode)));
    if (attr.uid || attr.gid)
        TRY(m_node.chown(attr.uid.value_or(~0u), attr.gid.value_or(~0u)));
    if (attr.size)
        TRY(truncate(*attr.size));
    if (attr.has_times)
        TRY(m_node.set_times(attr.atime_sec, attr.atime_nsec, attr.mtime_sec, attr.mtime_nsec));
    return {};
}

Result<frame::StatFs> HostInode::statfs()
{
    auto st = TRY(m_node.statfs());
    if (m_fs->is_nosuid())
        st.flags |= abi::st_nosuid;
    return st;
}

Result<frame::HostFile*> HostInode::data(bool needs_write)
{
    if (m_data && (m_is_data_writable || !needs_write))
        return &*m_data;
    // Open for writing only when a write needs it: a host file open for writing cannot be
    // executed by anyone on the host (ETXTBSY).
    auto access = needs_write ? frame::HostAccess::read_write : frame::HostAccess::read_only;
    auto opened = m_node.open(access);
    if (opened.is_error() && needs_write)
        opened = m_node.open(frame::HostAccess::write_only);
    if (opened.is_error())
        return opened.error();
    m_is_data_writable = needs_write;
    m_data.emplace(opened.release_value());
    return &*m_data;
}

Ref<PageCache> HostInode::page_cache()
{
    if (!is_regular())
        return {};
    if (!m_cache) {
        auto st = m_node.stat();
        if (st.is_error())
            return {};
        m_cache = PageCache::for_host_file(st.value().dev, st.value().ino, host_version(st.value()));
    }
    return m_cache;
}

Result<void> HostInode::fill_page(u64 index, std::span<u8> page)
{
    auto* file = TRY(data(false));
    TRY(file->read_at(index * page_size, page));
    return {};
}

Result<void> HostInode::write_back(u64 index, std::span<const u8> page)
{
    u64 file_size = TRY(size());
    u64 start = index * page_size;
    if (start >= file_size)
        return {};
    AttributeEpoch::advance();
    auto* file = TRY(data(true));
    TRY(file->write_at(start, page.first(std::min<u64>(page_size, file_size - start))));
    return {};
}

Result<usize> HostInode::read_at(u64 offset, frame::UserWriter& out)
{
    auto* file = TRY(data(false));
    auto cache = page_cache();
    bool has_cached = cache && !cache->is_empty();
    std::vector<u8> buffer(std::min<u64>(out.remaining(), chunk_bytes));
    usize total = 0;
    while (out.remaining() > 0) {
        auto chunk = std::span(buffer).first(std::min<u64>(buffer.size(), out.remaining()));
        usize n = TRY(file->read_at(offset + total, chunk));
        if (n == 0)
            break;
        if (has_cached) {
            // Mapped pages may hold writes the host has not seen yet: they win.
            for (u64 at = 0; at < n;) {
                u64 pos = offset + total + at;
                u64 in_page = pos % page_size;
                u64 len = std::min<u64>(page_size - in_page, n - at);
                if (auto* page = cache->find(pos / page_size))
                    MUST(frame::FrameReader(*page).read(in_page, chunk.subspan(at, len)));
                at += len;
            }
        }
        auto written = out.write(chunk.first(n));
        if (written.is_error())
            return total ? Result<usize>(total) : written.error();
        total += n;
        if (n < chunk.size())
            break;
    }
    return total;
}

Result<usize> HostInode::write_at(u64 offset, frame::UserReader& in)
{
    AttributeEpoch::advance();
    auto* file = TRY(data(true));
    auto cache = page_cache();
    std::vector<u8> buffer(std::min<u64>(in.remaining(), chunk_bytes));
    usize total = 0;
    while (in.remaining() > 0) {
        auto got = in.read(buffer);
        if (got.is_error())
            return total ? Result<usize>(total) : got.error();
        auto chunk = std::span<const u8>(buffer).first(got.value());
        auto n = file->write_at(offset + total, chunk);
        if (n.is_error())
            return total ? Result<usize>(total) : n.error();
        if (cache)
            cache->update(offset + total, chunk.first(n.value()));
        total += n.value();
        if (n.value() < chunk.size())
            break;
    }
    return total;
}

Result<u64> HostInode::size()
{
    auto st = TRY(m_node.stat());
    return static_cast<u64>(st.size);
}

Result<void> HostInode::truncate(u64 size)
{
    AttributeEpoch::advance();
    TRY(m_node.truncate(size));
    if (m_cache)
        m_cache->truncate(size);
    return {};
}

Result<void> HostInode::sync(bool is_data_only)
{
    auto* file = TRY(data(false));
    return file->sync(is_data_only);
}

namespace {

std::optional<frame::HostAllocMode> host_alloc_mode(int mode)
{
    constexpr int keep_size = abi::falloc_fl_keep_size;
    switch (mode) {
    case 0:
        return frame::HostAllocMode::allocate;
    case keep_size:
        return frame::HostAllocMode::allocate_keep_size;
    case abi::falloc_fl_punch_hole | keep_size:
        return frame::HostAllocMode::punch_hole;
    case abi::falloc_fl_zero_range:
        return frame::HostAllocMode::zero_range;
    case abi::falloc_fl_zero_range | keep_size:
        return frame::HostAllocMode::zero_range_keep_size;
    case abi::falloc_fl_collapse_range:
        return frame::HostAllocMode::collapse_range;
    case abi::falloc_fl_insert_range:
        return frame::HostAllocMode::insert_range;
    default:
        // FALLOC_FL_UNSHARE_RANGE and FALLOC_FL_WRITE_ZEROES do not reach the host.
        return std::nullopt;
    }
}

} // namespace

Result<void> HostInode::allocate(int mode, u64 offset, u64 len)
{
    AttributeEpoch::advance();
    auto host_mode = host_alloc_mode(mode);
    if (!host_mode)
        return Errno::enotsup;
    u64 end = offset + len;
    u64 size = TRY(this->size());
    // The host does not know the guest's RLIMIT_FSIZE: the checks of a file system such as
    // ext4, which tests it only when the size grows (insert range tests only the maximum size).
    bool is_growing = (mode == 0 || mode == abi::falloc_fl_zero_range) && end > size;
    if (is_growing)
        TRY(check_file_size_limit(end));
    auto* file = TRY(data(true));
    bool is_shift = mode == abi::falloc_fl_collapse_range || mode == abi::falloc_fl_insert_range;
    auto cache = page_cache();
    bool has_cached = cache && !cache->is_empty();
    if (is_shift && has_cached) {
        // Mapped pages may hold writes the host has not seen: they move with their blocks, so
        // they go to the host first (Linux writes the range back before shifting it).
        std::vector<u8> page(page_size);
        for (const auto& [index, frame] : cache->pages()) {
            if ((index + 1) * page_size <= offset)
                continue;
            MUST(frame::FrameReader(frame).read(0, page));
            TRY(write_back(index, page));
        }
    }
    TRY(file->allocate(*host_mode, offset, len));
    if (!has_cached)
        return {};
    if (is_shift)
        return reload_cached_pages(offset);
    if (mode != 0 && mode != abi::falloc_fl_keep_size) {
        // A punched hole or a zeroed range: the cached pages read as zeros there too.
        u64 zero_end = std::min(end, TRY(this->size()));
        std::vector<u8> zeros(std::min<u64>(chunk_bytes, len), 0);
        for (u64 at = offset; at < zero_end; at += zeros.size())
            cache->update(at, std::span<const u8>(zeros).first(std::min<u64>(zeros.size(), zero_end - at)));
    }
    return {};
}

Result<void> HostInode::reload_cached_pages(u64 offset)
{
    auto cache = page_cache();
    u64 size = TRY(this->size());
    auto* file = TRY(data(false));
    std::vector<u64> indexes;
    for (const auto& [index, frame] : cache->pages()) {
        if ((index + 1) * page_size > offset)
            indexes.push_back(index);
    }
    std::vector<u8> page(page_size);
    for (u64 index : indexes) {
        std::fill(page.begin(), page.end(), u8 {0});
        if (index * page_size < size)
            TRY(file->read_at(index * page_size, page));
        cache->update(index * page_size, page);
    }
    // Collapse shrank the file: pages past the new end go, as after a truncate.
    cache->truncate(size);
    return {};
}

namespace {
/// What a change of attribute `name` on the host becomes for the guest (see HostInode):
/// security.* is never changed; a host EPERM on trusted.* means the host cannot store it.
Result<void> host_xattr_change(const std::string& name, const std::function<Result<void>()>& change)
{
    if (name.starts_with("security."))
        return Errno::enotsup;
    auto result = change();
    if (result.is_error() && result.error() == Errno::eperm && name.starts_with("trusted."))
        return Errno::enotsup;
    return result;
}
} // namespace

Result<void> HostInode::set(const std::string& name, std::vector<u8> value, XattrMode mode)
{
    auto host_xattr_mode = mode == XattrMode::create_only ? frame::HostXattrMode::create_only
        : mode == XattrMode::replace_only           ? frame::HostXattrMode::replace_only
                                                    : frame::HostXattrMode::create_or_replace;
    AttributeEpoch::advance();
    return host_xattr_change(name, [&] { return m_node.set_xattr(name, value, host_xattr_mode); });
}

Result<void> HostInode::remove(const std::string& name)
{
    AttributeEpoch::advance();
    return host_xattr_change(name, [&] { return m_node.remove_xattr(name); });
}

} // namespace asterix::services
