#pragma once

#include "frame/result.h"
#include "services/fs/inode.h"

namespace asterix::services {

/// Which file a write-access count belongs to. Host inodes are made afresh by every lookup,
/// so the key is what names the file (its file system kind, device and inode number), not the
/// Inode object.
struct FileKey {
    u64 magic {0};
    u64 dev {0};
    u64 ino {0};
    auto operator<=>(const FileKey&) const = default;
};

/// A descriptor open for writing (Linux's get_write_access on i_writecount): while one is held,
/// exec of the file fails with ETXTBSY.
class WriteAccess {
public:
    /// ETXTBSY while the file is being executed (a process image maps it).
    static Result<WriteAccess> take(Inode& inode);
    WriteAccess(WriteAccess&& other) noexcept : m_key(other.m_key), m_is_held(other.m_is_held) { other.m_is_held = false; }
    WriteAccess& operator=(WriteAccess&& other) noexcept;
    WriteAccess(const WriteAccess&) = delete;
    ~WriteAccess() { release(); }

private:
    explicit WriteAccess(FileKey key) : m_key(key), m_is_held(true) {}
    void release();
    FileKey m_key;
    bool m_is_held {false};
};

/// A running program's hold on its executable (Linux's deny_write_access, kept by the mm):
/// while one is held, opening the file for writing or truncating it fails with ETXTBSY. A fork
/// copies the hold, as the child's memory maps the same file.
class ExecHold {
public:
    /// ETXTBSY while some descriptor has the file open for writing.
    static Result<ExecHold> take(Inode& inode);
    ExecHold(const ExecHold& other);
    ExecHold& operator=(const ExecHold&) = delete;
    ExecHold(ExecHold&& other) noexcept : m_key(other.m_key), m_is_held(other.m_is_held) { other.m_is_held = false; }
    ExecHold& operator=(ExecHold&& other) noexcept;
    ~ExecHold() { release(); }

private:
    void release();
    explicit ExecHold(FileKey key) : m_key(key), m_is_held(true) {}
    FileKey m_key;
    bool m_is_held {false};
};

/// ETXTBSY when `inode` is a running program's executable (truncate(2) of it).
Result<void> check_not_executing(Inode& inode);

} // namespace asterix::services
