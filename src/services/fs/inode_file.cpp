#include "services/fs/inode_file.h"

#include "services/abi/inotify.h"
#include "services/fs/fs_notify.h"
#include <limits>

#include "services/fs/file_size_limit.h"

namespace asterix::services {

namespace {
constexpr i64 max_file_offset = std::numeric_limits<i64>::max();

/// Appends one linux_dirent64 record (ino, off, reclen, type, name, NUL, padding to 8).
void put_dirent(std::vector<u8>& out, const DirEntry& entry, u64 next_offset)
{
    usize reclen = (19 + entry.name.size() + 1 + 7) & ~usize {7};
    usize at = out.size();
    out.resize(at + reclen, 0);
    for (usize i = 0; i < 8; ++i) {
        out[at + i] = static_cast<u8>(entry.ino >> (8 * i));
        out[at + 8 + i] = static_cast<u8>(next_offset >> (8 * i));
    }
    out[at + 16] = static_cast<u8>(reclen);
    out[at + 17] = static_cast<u8>(reclen >> 8);
    out[at + 18] = entry.type;
    std::copy(entry.name.begin(), entry.name.end(), out.begin() + at + 19);
}
} // namespace

InodeFile::InodeFile(Ref<Dentry> dentry, FileData* data, u32 flags)
    : DentryFile(std::move(dentry), flags), m_inode_ref(m_dentry->inode_ref()), m_data(data)
{
}

InodeFile::~InodeFile()
{
    // The last reference to the open file description is gone: that is inotify's close.
    if (!is_path_only())
        fs_notify::path_event(*m_dentry, is_writable() ? abi::in_close_write : abi::in_close_nowrite);
    m_inode_ref->file_closed();
}

Result<usize> InodeFile::read(frame::UserWriter& out)
{
    usize n = TRY(read_at(m_offset, out));
    m_offset += n;
    if (n > 0)
        fs_notify::path_event(*m_dentry, abi::in_access);
    return n;
}

Result<usize> InodeFile::write(frame::UserReader& in)
{
    if (!m_data)
        return Errno::eisdir;
    if (status_flags() & o_append)
        m_offset = TRY(m_data->size());
    TRY(limit_write_to_file_size(m_offset, in));
    usize n = TRY(m_data->write_at(m_offset, in));
    m_offset += n;
    if (n > 0)
        fs_notify::path_event(*m_dentry, abi::in_modify);
    return n;
}

Result<i64> InodeFile::seek(i64 offset, Whence whence)
{
    i64 base = 0;
    switch (whence) {
    case Whence::set:
        base = 0;
        break;
    case Whence::cur:
        base = static_cast<i64>(m_offset);
        break;
    case Whence::end:
        if (!m_data)
            return Errno::einval;
        base = static_cast<i64>(TRY(m_data->size()));
        break;
    }
    if ((offset > 0 && base > max_file_offset - offset) || base + offset < 0)
        return Errno::einval;
    m_offset = static_cast<u64>(base + offset);
    if (m_offset == 0)
        m_has_dir_snapshot = false; // rewinddir sees a fresh listing
    return static_cast<i64>(m_offset);
}

Result<usize> InodeFile::read_at(u64 offset, frame::UserWriter& out)
{
    if (!m_data)
        return Errno::eisdir;
    if (offset > static_cast<u64>(max_file_offset))
        return Errno::einval;
    return m_data->read_at(offset, out);
}

Result<usize> InodeFile::write_at(u64 offset, frame::UserReader& in)
{
    if (!m_data)
        return Errno::eisdir;
    // pwrite(2) BUGS: with O_APPEND the data goes to the end whatever the offset.
    if (status_flags() & o_append)
        offset = TRY(m_data->size());
    if (offset > static_cast<u64>(max_file_offset))
        return Errno::einval;
    TRY(limit_write_to_file_size(offset, in));
    usize n = TRY(m_data->write_at(offset, in));
    if (n > 0)
        fs_notify::path_event(*m_dentry, abi::in_modify);
    return n;
}

Result<usize> InodeFile::read_dir(frame::UserWriter& out)
{
    if (!m_dentry->inode().is_directory())
        return Errno::enotdir;
    if (!m_has_dir_snapshot) {
        m_dir_entries.clear();
        auto st = TRY(m_dentry->inode().stat());
        u64 parent_ino = st.ino;
        if (auto* parent = m_dentry->parent(); parent && !m_dentry->covered)
            parent_ino = TRY(parent->inode().stat()).ino;
        m_dir_entries.push_back({st.ino, dt_dir, "."});
        m_dir_entries.push_back({parent_ino, dt_dir, ".."});
        auto entries = TRY(m_dentry->inode().read_dir());
        m_dir_entries.insert(m_dir_entries.end(), entries.begin(), entries.end());
        m_has_dir_snapshot = true;
    }
    std::vector<u8> records;
    u64 index = m_offset;
    while (index < m_dir_entries.size()) {
        usize before = records.size();
        put_dirent(records, m_dir_entries[index], index + 1);
        if (records.size() > out.remaining()) {
            records.resize(before);
            break;
        }
        ++index;
    }
    if (records.empty() && index < m_dir_entries.size())
        return Errno::einval; // the buffer cannot hold even one record
    TRY(out.write(records));
    m_offset = index;
    return records.size();
}

Result<void> InodeFile::truncate(u64 size)
{
    if (!m_data)
        return Errno::einval;
    TRY(m_data->truncate(size));
    fs_notify::object_event(*m_dentry, abi::in_modify);
    return {};
}

Result<void> InodeFile::sync(bool is_data_only)
{
    if (!m_data)
        return {};
    return m_data->sync(is_data_only);
}

Result<void> InodeFile::allocate(int mode, u64 offset, u64 len)
{
    if (!m_data)
        return Errno::enotsup;
    return m_data->allocate(mode, offset, len);
}

Result<void> FileData::allocate(int mode, u64 offset, u64 len)
{
    u64 size = TRY(this->size());
    u64 end = offset + len;
    if (mode == 0 || mode == abi::falloc_fl_keep_size) {
        // tmpfs checks RLIMIT_FSIZE even when the size stays (shmem_fallocate). Its pages
        // come as they are written, so what shows is only the new size.
        if (end > size)
            TRY(check_file_size_limit(end));
        if (mode == 0 && end > size)
            TRY(truncate(end));
        return {};
    }
    if (mode == (abi::falloc_fl_punch_hole | abi::falloc_fl_keep_size)) {
        // A hole reads as zeros: write them over what the file holds of the range.
        std::vector<u8> zeros(std::min<u64>(64 * 1024, len), 0);
        for (u64 at = offset; at < std::min(end, size);) {
            u64 n = std::min<u64>(zeros.size(), std::min(end, size) - at);
            auto reader = frame::UserReader::for_kernel(std::span<const u8>(zeros).first(n));
            usize written = TRY(write_at(at, reader));
            if (written == 0)
                return Errno::eio;
            at += written;
        }
        return {};
    }
    return Errno::enotsup;
}

Result<int> InodeFile::bytes_ready()
{
    if (!m_data)
        return Errno::enotty;
    u64 size = TRY(m_data->size());
    return static_cast<int>(std::min<u64>(size > m_offset ? size - m_offset : 0, 0x7fffffff));
}

} // namespace asterix::services
