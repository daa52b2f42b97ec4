#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "frame/file_stat.h"
#include "frame/result.h"

namespace asterix::frame {

// The host-file channel (hosted backend only): the host directory given as the root, and what
// lies below it, as the backing of the hostfs file system. A HostNode names one object by a
// host O_PATH descriptor; children are looked up one component at a time, never following a
// symlink, so no guest path reaches a host file outside the root. Host errors arrive as Linux
// errno values.

struct HostDirEntry {
    u64 ino;
    u8 type; ///< DT_* value
    std::string name;
};

struct StatFs {
    u64 type, block_size, blocks, blocks_free, blocks_available, files, files_free, fsid, name_max,
        fragment_size, flags;
};

/// What HostFile::allocate does to a range (Linux's fallocate(2) modes that reach the host).
enum class HostAllocMode : u8 {
    allocate,             ///< 0: allocate, growing the file
    allocate_keep_size,   ///< FALLOC_FL_KEEP_SIZE
    punch_hole,           ///< FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
    zero_range,           ///< FALLOC_FL_ZERO_RANGE
    zero_range_keep_size, ///< FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE
    collapse_range,       ///< FALLOC_FL_COLLAPSE_RANGE
    insert_range,         ///< FALLOC_FL_INSERT_RANGE
};

/// An open host file, for reading and writing at explicit offsets.
class HostFile {
public:
    HostFile(HostFile&& other) noexcept;
    HostFile& operator=(HostFile&& other) noexcept;
    HostFile(const HostFile&) = delete;
    ~HostFile();

    Result<usize> read_at(u64 offset, std::span<u8> dst);
    Result<usize> write_at(u64 offset, std::span<const u8> src);
    Result<FileStat> stat();
    Result<void> truncate(u64 size);
    Result<void> sync(bool is_data_only);
    /// fallocate(2) on the host file, with the host file system's answer (EOPNOTSUPP where it
    /// cannot, EINVAL for a range it refuses).
    Result<void> allocate(HostAllocMode mode, u64 offset, u64 len);
    /// The whole directory, in the host's order (without "." and "..").
    Result<std::vector<HostDirEntry>> read_dir();

private:
    friend class HostNode;
    explicit HostFile(int fd) : m_fd(fd) {}
    int m_fd {-1};
};

enum class HostAccess : u8 { read_only, write_only, read_write };

/// How set_xattr may change an attribute: XATTR_CREATE, XATTR_REPLACE, or either.
enum class HostXattrMode : u8 { create_or_replace, create_only, replace_only };

/// Who a new host object belongs to. When the kernel runs as host root, the object is given
/// to these IDs before anyone can open it (it is made with no permission bits, then chowned,
/// then given its mode); otherwise it stays the kernel's user's, the only one it can have.
struct HostOwner {
    u32 uid;
    u32 gid;
};

/// One host file-system object below the root.
class HostNode {
public:
    /// The root directory itself.
    static Result<HostNode> root();
    /// The root of the `index`th extra host directory given on the command line (--volume),
    /// confined the same way as the root. ENOENT for an index never given.
    static Result<HostNode> volume(u32 index);

    HostNode(HostNode&& other) noexcept;
    HostNode& operator=(HostNode&& other) noexcept;
    HostNode(const HostNode&) = delete;
    ~HostNode();

    /// The child `name` of this directory (one component, no "/"; symlinks are not followed).
    Result<HostNode> lookup(std::string_view name) const;
    /// What the child `name` of this directory is now (one component, the link itself for a
    /// symlink), without a descriptor for it: one host call that tells whether a node looked
    /// up before still goes by that name (the same device and inode number; a node this
    /// kernel holds keeps its number from being reused).
    Result<FileStat> stat_child(std::string_view name) const;
    Result<FileStat> stat() const;
    Result<std::string> read_link() const;
    Result<StatFs> statfs() const;
    /// Opens this object for I/O (regular files and directories; the descriptor is
    /// non-blocking, so that a FIFO or device never blocks the kernel).
    Result<HostFile> open(HostAccess access) const;

    /// New objects get exactly `mode` (the host's umask does not apply) and `owner`. create
    /// makes a regular file and gives its node, whatever the name means by then.
    Result<HostNode> create(std::string_view name, u32 mode, HostOwner owner) const;
    Result<void> mkdir(std::string_view name, u32 mode, HostOwner owner) const;
    Result<void> mkfifo(std::string_view name, u32 mode, HostOwner owner) const;
    /// A socket file (S_IFSOCK) that nothing listens on: a name for a socket of the services.
    Result<void> mksock(std::string_view name, u32 mode, HostOwner owner) const;
    Result<void> symlink(std::string_view name, std::string_view target, HostOwner owner) const;
    Result<void> link(std::string_view name, const HostNode& target) const;
    Result<void> unlink(std::string_view name, bool is_directory) const;
    Result<void> rename(std::string_view name, const HostNode& new_dir, std::string_view new_name, u32 flags) const;

    Result<void> chmod(u32 mode) const;
    Result<void> chown(u32 uid, u32 gid) const;
    /// Sets access and modification times; a negative nsec is UTIME_NOW (-1) or UTIME_OMIT (-2).
    Result<void> set_times(i64 atime_sec, i64 atime_nsec, i64 mtime_sec, i64 mtime_nsec) const;
    Result<void> truncate(u64 size) const;

    // Extended attributes of this very object (a symlink's own, never its target's), by full
    // name ("user.x"). The host's own rules apply on top of the caller's: its permission
    // checks for the kernel's host user and its file system's limits (errors as Linux gives
    // them: ENODATA, EEXIST, ENOTSUP, EPERM, ENOSPC, E2BIG).
    /// The whole value of attribute `name`.
    Result<std::vector<u8>> get_xattr(std::string_view name) const;
    Result<void> set_xattr(std::string_view name, std::span<const u8> value, HostXattrMode mode) const;
    Result<void> remove_xattr(std::string_view name) const;
    /// The names of the attributes the host shows the kernel's user.
    Result<std::vector<std::string>> list_xattrs() const;

private:
    explicit HostNode(int fd) : m_fd(fd) {}
    int m_fd {-1};
};

} // namespace asterix::frame
