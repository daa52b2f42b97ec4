#pragma once

#include <map>
#include <optional>

#include "services/fs/inode.h"
#include "services/fs/inode_file.h"
#include "services/fs/page_cache.h"
#include "services/fs/xattr_store.h"
#include "services/kernel_memory.h"

namespace asterix::services {

/// A file system in guest memory: tmpfs (with a size limit), and the base of devfs and procfs.
class RamFs : public FileSystem {
public:
    RamFs(std::string type, u64 max_bytes, u64 magic) : FileSystem(std::move(type), false), m_max_bytes(max_bytes), m_magic(magic) {}
    u64 magic() const override { return m_magic; }
    u64 next_ino() { return ++m_last_ino; }
    u64 dev() const { return m_dev; }
    void set_dev(u64 dev) { m_dev = dev; }
    u64 max_bytes() const { return m_max_bytes; }
    u64 used_bytes {0};
    /// Inodes (files of any kind): a tmpfs allows one per page of its size, as Linux's
    /// nr_inodes default does, so a guest making empty files runs into ENOSPC, not out of
    /// kernel memory.
    u64 max_inodes() const { return m_max_inodes; }
    u64 used_inodes {0};
    Result<void> check_inode_room() const;
    void set_max_inodes(u64 count) { m_max_inodes = count; }

    /// A new tmpfs; its root directory.
    static Ref<Inode> make_tmpfs(u64 max_bytes);
    /// The unnamed file behind a MAP_SHARED|MAP_ANONYMOUS mapping of `size` bytes.
    static Result<Ref<File>> make_shared_anonymous(u64 size);
    /// The unnamed file of a SysV shared memory segment, shown as "/NAME (deleted)" as Linux
    /// shows "/SYSV<key>" in /proc/PID/maps.
    static Result<Ref<File>> make_sysv_segment(u64 size, std::string_view name);
    /// A memfd (memfd_create(2)): an unnamed, empty tmpfs file owned by `uid`/`gid`; without
    /// `is_sealable` it starts sealed against new seals.
    static Result<Ref<File>> make_memfd(std::string_view name, u32 uid, u32 gid, bool is_sealable);

private:
    u64 m_max_bytes;
    u64 m_max_inodes {~0ull};
    u64 m_magic;
    u64 m_last_ino {1};
    u64 m_dev {0};
};

/// An inode of a RamFs: a directory of children, a regular file whose pages are its page cache,
/// a symlink, or a FIFO. Subclasses (devices, proc files) override open().
class RamInode : public Inode, public FileData {
public:
    RamInode(Ref<RamFs> fs, u32 mode, u32 uid, u32 gid);
    ~RamInode() override;
    /// What an inode with its directory entry and name costs the kernel heap, charged to the
    /// instance's kernel memory while it lives.
    static constexpr usize kernel_bytes = 512;

    FileSystem& fs() override { return *m_fs; }
    RamFs& ram_fs() { return *m_fs; }
    Result<frame::FileStat> stat() override;
    Result<Ref<Inode>> lookup(std::string_view name) override;
    Result<std::vector<DirEntry>> read_dir() override;
    Result<Ref<Inode>> create(std::string_view name, u32 mode, Owner owner) override;
    Result<void> mkdir(std::string_view name, u32 mode, Owner owner) override;
    Result<void> mkfifo(std::string_view name, u32 mode, Owner owner) override;
    Result<void> mksock(std::string_view name, u32 mode, Owner owner) override;
    Result<void> symlink(std::string_view name, std::string_view target, Owner owner) override;
    Result<void> link(std::string_view name, Inode& target) override;
    Result<void> unlink(std::string_view name, bool is_directory) override;
    Result<void> rename(std::string_view name, Inode& new_dir, std::string_view new_name, u32 flags) override;
    Result<std::string> read_link() override;
    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override;
    Result<void> set_attr(const SetAttr& attr) override;
    Result<frame::StatFs> statfs() override;

    Result<usize> read_at(u64 offset, frame::UserWriter& out) override;
    Result<usize> write_at(u64 offset, frame::UserReader& in) override;
    Result<u64> size() override { return m_size; }
    Result<void> truncate(u64 size) override;

    /// The file's pages are its only storage, and its page cache.
    Ref<PageCache> page_cache() override { return is_regular() ? m_pages : Ref<PageCache>(); }
    Result<void> fill_page(u64 index, std::span<u8> page) override;
    Result<u64> data_size() override { return m_size; }
    FileData* file_data() override { return is_regular() ? this : nullptr; }
    Xattrs* xattrs() override { return &m_xattrs; }
    Result<u32> seals() override;
    Result<void> add_seals(u32 seals) override;
    /// Makes the file a memfd: in no directory (no links), with seals, starting with `seals`.
    void make_memfd(u32 seals)
    {
        m_seals = seals;
        m_nlink = 0;
    }

    /// Adds a child made elsewhere (devfs and procfs build their trees with it).
    void add_child(std::string name, Ref<RamInode> child);
    void set_link_target(std::string target) { m_link_target = std::move(target); }

protected:
    /// A new entry `name` of this directory: a fresh inode of `mode` (type bits included)
    /// owned by `owner`.
    Result<Ref<RamInode>> make_child(std::string_view name, u32 mode, Owner owner);
    void touch_modified();

    Ref<RamFs> m_fs;
    u64 m_ino;
    u32 m_mode;
    u32 m_uid, m_gid;
    u32 m_nlink {1};
    u64 m_rdev {0};
    XattrStore m_xattrs;
    u64 m_size {0};
    i64 m_atime_sec {0}, m_atime_nsec {0}, m_mtime_sec {0}, m_mtime_nsec {0}, m_ctime_sec {0}, m_ctime_nsec {0};
    std::map<std::string, Ref<RamInode>, std::less<>> m_children;
    std::string m_link_target;
    /// A memfd's seals; none for every other file (F_GET_SEALS is EINVAL there).
    std::optional<u32> m_seals;
    Ref<PageCache> m_pages;
    KernelCharge m_charge;
};

} // namespace asterix::services
