#pragma once

#include <vector>

#include "services/fs/dentry.h"
#include "services/fs/dentry_file.h"
#include "services/fs/file.h"

namespace asterix::services {

/// The data of a regular file: what an InodeFile reads and writes at an offset.
class FileData {
public:
    virtual ~FileData() = default;
    virtual Result<usize> read_at(u64 offset, frame::UserWriter& out) = 0;
    virtual Result<usize> write_at(u64 offset, frame::UserReader& in) = 0;
    virtual Result<u64> size() = 0;
    virtual Result<void> truncate(u64 size) = 0;
    virtual Result<void> sync(bool is_data_only) { return {}; }
    /// fallocate(2) with a `mode` sys_fallocate has checked (one of the combinations Linux
    /// accepts) over [offset, offset + len). By default what tmpfs does (Linux's
    /// shmem_fallocate): allocation, which only shows as a new size, and punching holes, which
    /// read as zeros; EOPNOTSUPP for the other modes.
    virtual Result<void> allocate(int mode, u64 offset, u64 len);
};

/// An open file in the tree: a regular file (through its FileData), a directory (getdents),
/// or an O_PATH handle. Keeps the offset shared by the descriptors that share it.
class InodeFile final : public DentryFile {
public:
    InodeFile(Ref<Dentry> dentry, FileData* data, u32 flags);
    ~InodeFile() override;

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<i64> seek(i64 offset, Whence whence) override;
    Result<usize> read_at(u64 offset, frame::UserWriter& out) override;
    Result<usize> write_at(u64 offset, frame::UserReader& in) override;
    Result<usize> read_dir(frame::UserWriter& out) override;
    Result<void> truncate(u64 size) override;
    Result<void> sync(bool is_data_only) override;
    Result<void> allocate(int mode, u64 offset, u64 len) override;
    Result<int> bytes_ready() override;

private:
    Ref<Inode> m_inode_ref; ///< keeps `m_data` alive
    FileData* m_data;
    u64 m_offset {0};
    std::vector<DirEntry> m_dir_entries; ///< directory snapshot taken at the first getdents
    bool m_has_dir_snapshot {false};
};

} // namespace asterix::services
