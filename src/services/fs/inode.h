#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "frame/file_stat.h"
#include "frame/host_file.h"
#include "frame/ref.h"
#include "frame/result.h"
#include "frame/user_io.h"
#include "services/abi/limits.h"
#include "services/abi/stat.h"
#include "services/fs/page_cache.h"

namespace asterix::services {

class Dentry;
class File;
class FileData;
class FileSystem;
class PageCache;
class Xattrs;

// File types and d_type values, from services/abi/stat.h, and NAME_MAX.
using abi::s_ifmt, abi::s_ifsock, abi::s_iflnk, abi::s_ifreg, abi::s_ifblk, abi::s_ifdir, abi::s_ifchr,
    abi::s_ififo, abi::dt_unknown, abi::dt_fifo, abi::dt_chr, abi::dt_dir, abi::dt_reg, abi::dt_lnk,
    abi::name_max;

struct DirEntry {
    u64 ino;
    u8 type;
    std::string name;
};

/// Who owns a new object: the uid and gid it is made with (see owner_of_new).
struct Owner {
    u32 uid {0};
    u32 gid {0};
};

/// What setattr changes (chmod, chown, utimensat, truncate); unset fields stay.
struct SetAttr {
    std::optional<u32> mode;
    std::optional<u32> uid;
    std::optional<u32> gid;
    std::optional<u64> size;
    bool has_times {false};
    /// A chown(2), even one that changes nothing: it clears setuid and setgid of a file.
    bool is_chown {false};
    i64 atime_sec {0}, atime_nsec {-2}, mtime_sec {0}, mtime_nsec {-2}; ///< nsec -1 now, -2 omit
};

/// A file-system object: a directory, regular file, symlink, device or FIFO. Directory
/// operations take one component name; the path walk lives in the VFS.
class Inode : public RefCounted<Inode> {
public:
    virtual ~Inode() = default;

    virtual FileSystem& fs() = 0;
    virtual Result<frame::FileStat> stat() = 0;
    u32 type_bits() { return m_type_bits; }
    bool is_directory() { return m_type_bits == s_ifdir; }
    bool is_symlink() { return m_type_bits == s_iflnk; }
    bool is_regular() { return m_type_bits == s_ifreg; }

    // Directories.
    virtual Result<Ref<Inode>> lookup(std::string_view name) { return Errno::enotdir; }
    /// Whether `child`, which the dentry cache holds under `name` in this directory, still is
    /// what the name means. Only a file system that others change behind the kernel's back
    /// (hostfs: host processes) has to ask; false sends the walk to lookup() again.
    virtual Result<bool> revalidate(std::string_view name, Inode& child) { return true; }
    virtual Result<std::vector<DirEntry>> read_dir() { return Errno::enotdir; }
    // New objects are made with the owner the caller decided (the permission checks and
    // owner_of_new are the syscall's); `mode` holds the permission bits only.
    virtual Result<Ref<Inode>> create(std::string_view name, u32 mode, Owner owner) { return Errno::enotdir; }
    virtual Result<void> mkdir(std::string_view name, u32 mode, Owner owner) { return Errno::enotdir; }
    virtual Result<void> mkfifo(std::string_view name, u32 mode, Owner owner) { return Errno::eperm; }
    /// A socket inode for bind(2) on AF_UNIX; the socket itself is found by the inode's number.
    virtual Result<void> mksock(std::string_view name, u32 mode, Owner owner) { return Errno::eperm; }
    virtual Result<void> symlink(std::string_view name, std::string_view target, Owner owner) { return Errno::enotdir; }
    virtual Result<void> link(std::string_view name, Inode& target) { return Errno::enotdir; }
    virtual Result<void> unlink(std::string_view name, bool is_directory) { return Errno::enotdir; }
    virtual Result<void> rename(std::string_view name, Inode& new_dir, std::string_view new_name, u32 flags)
    {
        return Errno::enotdir;
    }

    // Symlinks.
    virtual Result<std::string> read_link() { return Errno::einval; }
    /// A "magic" link (/proc/PID/fd/N, /proc/PID/exe) leads straight to an object, not a path.
    virtual bool is_magic_link() { return false; }
    virtual Result<Ref<Dentry>> follow_magic_link();

    /// Opens the object: the open file description that read/write/mmap go through.
    virtual Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) = 0;
    /// The last reference to an open file description that open() made has gone.
    virtual void file_closed() {}
    virtual Result<void> set_attr(const SetAttr& attr) { return Errno::eperm; }

    /// Memory mapping: the file's page cache (null when the file cannot be mapped), how a
    /// missing page is filled, and how a page of a shared mapping reaches the file.
    virtual Ref<PageCache> page_cache() { return {}; }
    virtual Result<void> fill_page(u64 index, std::span<u8> page) { return Errno::enodev; }
    virtual Result<void> write_back(u64 index, std::span<const u8> page) { return {}; }
    virtual Result<u64> data_size() { return Errno::enodev; }
    virtual Result<frame::StatFs> statfs();
    /// A regular file's contents, read and written at an offset without an open file (the
    /// initramfs unpacker fills files through it); null when the file system offers none.
    virtual FileData* file_data() { return nullptr; }
    /// The extended attributes the file system keeps for the inode (tmpfs, hostfs), or null
    /// when it keeps none (the xattr calls then answer as Linux does for such a file system).
    virtual Xattrs* xattrs() { return nullptr; }
    /// File seals (F_GET_SEALS): only memfds have them; EINVAL for every other file.
    virtual Result<u32> seals() { return Errno::einval; }
    virtual Result<void> add_seals(u32 seals) { return Errno::einval; }

protected:
    explicit Inode(u32 type_bits) : m_type_bits(type_bits & s_ifmt) {}

private:
    u32 m_type_bits;
};

/// A mounted file system: its name for /proc/mounts and its mount flags.
class FileSystem : public RefCounted<FileSystem> {
public:
    FileSystem(std::string type, bool is_read_only) : m_type(std::move(type)), m_is_read_only(is_read_only) {}
    virtual ~FileSystem() = default;
    const std::string& type() const { return m_type; }
    bool is_read_only() const { return m_is_read_only; }
    /// Mounted nosuid: setuid and setgid bits give an exec no new IDs.
    bool is_nosuid() const { return m_is_nosuid; }
    void set_nosuid(bool is_nosuid) { m_is_nosuid = is_nosuid; }
    virtual u64 magic() const = 0;
    /// Whether the dentry cache keeps some of this file system's dentries after their last
    /// user is gone: worth it where a lookup costs host calls (hostfs).
    virtual bool keeps_unused_dentries() const { return false; }

private:
    std::string m_type;
    bool m_is_read_only;
    bool m_is_nosuid {false};
};

/// DT_* type of st_mode bits.
u8 dirent_type(u32 mode);

} // namespace asterix::services
