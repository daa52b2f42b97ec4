#pragma once

#include <optional>

#include "frame/host_file.h"
#include "services/fs/inode.h"
#include "services/fs/inode_file.h"
#include "services/fs/page_cache.h"
#include "services/fs/xattrs.h"

namespace asterix::services {

/// hostfs: a host directory (--root) passed through read-write, resolved one component at a
/// time by the frame's host-file channel.
///
/// Ownership policy: the host side is never more permissive than the guest's view. hostfs is
/// always mounted nosuid: a setuid program on it runs with its caller's IDs, and no setuid or
/// setgid file is ever made on the host (create and chmod drop those bits; a directory keeps
/// setgid, which only passes its group on). When the kernel runs as host root, a new object
/// belongs on the host to the guest's fsuid and fsgid (the frame gives it to them before anyone
/// can open it) and a guest chown is a host chown; otherwise objects belong to the kernel's
/// host user and a guest chown to another user fails with the host's EPERM.
class HostFs final : public FileSystem {
public:
    explicit HostFs(bool is_read_only) : FileSystem("hostfs", is_read_only) { set_nosuid(true); }
    u64 magic() const override { return 0x00c0ffee; }
    bool keeps_unused_dentries() const override { return true; }
    /// The root inode (the --root directory).
    static Result<Ref<Inode>> mount(bool is_read_only);
    /// The root inode of the `index`th --volume directory, a file system of its own.
    static Result<Ref<Inode>> mount_volume(u32 index, bool is_read_only);
};

/// Extended attributes live on the host file itself, under the host's rules for the kernel's
/// host user on top of the guest's. Two namespaces are narrower than the guest's privilege
/// suggests: security.* is read-only (the host's security labels and file capabilities are
/// the host's, and a file capability made on the host would give host users more than the
/// nosuid guest view does), and trusted.* works only when the host lets the kernel's user
/// have it (host root); otherwise a change is EOPNOTSUPP, the answer of a file system that
/// cannot store the namespace, not an EPERM that would deny the guest's own CAP_SYS_ADMIN.
///
/// Attributes the host gave are used again within one AttributeEpoch; every change made here
/// ends the epoch, since it may change other inodes' attributes too (a directory's times, an
/// unlinked or renamed object's link count and ctime).
class HostInode final : public Inode, public FileData, public Xattrs {
public:
    /// `st` is what the node was when it was looked up.
    HostInode(Ref<HostFs> fs, frame::HostNode node, const frame::FileStat& st);

    FileSystem& fs() override { return *m_fs; }
    /// The host's answer, asked again once a guest thread has run (AttributeEpoch).
    Result<frame::FileStat> stat() override;
    Result<Ref<Inode>> lookup(std::string_view name) override;
    /// The name still leads to the same host object (device and inode number; the node's
    /// descriptor keeps the number from being reused): one host call instead of a lookup's
    /// three, and its answer is the object's attributes for this epoch.
    Result<bool> revalidate(std::string_view name, Inode& child) override;
    Result<std::vector<DirEntry>> read_dir() override;
    Result<Ref<Inode>> create(std::string_view name, u32 mode, Owner owner) override;
    Result<void> mkdir(std::string_view name, u32 mode, Owner owner) override;
    Result<void> mkfifo(std::string_view name, u32 mode, Owner owner) override;
    /// A placeholder socket file on the host; the guest socket bound to it lives in the kernel.
    Result<void> mksock(std::string_view name, u32 mode, Owner owner) override;
    Result<void> symlink(std::string_view name, std::string_view target, Owner owner) override;
    Result<void> link(std::string_view name, Inode& target) override;
    Result<void> unlink(std::string_view name, bool is_directory) override;
    Result<void> rename(std::string_view name, Inode& new_dir, std::string_view new_name, u32 flags) override;
    Result<std::string> read_link() override { return m_node.read_link(); }
    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override;
    /// The host file opened for data is closed with the inode's last open file: a cached
    /// inode must not keep the host file open (for writing, that makes a host exec of it
    /// fail with ETXTBSY).
    void file_closed() override;
    Result<void> set_attr(const SetAttr& attr) override;
    Result<frame::StatFs> statfs() override;
    Xattrs* xattrs() override { return this; }

    // Xattrs: on the host file.
    Result<std::vector<u8>> get(const std::string& name) override { return m_node.get_xattr(name); }
    Result<void> set(const std::string& name, std::vector<u8> value, XattrMode mode) override;
    Result<void> remove(const std::string& name) override;
    Result<std::vector<std::string>> names() override { return m_node.list_xattrs(); }

    // FileData: regular file contents, through the page cache.
    Result<usize> read_at(u64 offset, frame::UserWriter& out) override;
    Result<usize> write_at(u64 offset, frame::UserReader& in) override;
    Result<u64> size() override;
    Result<void> truncate(u64 size) override;
    Result<void> sync(bool is_data_only) override;
    /// fallocate(2) done by the host file system, which answers for what it cannot do; the
    /// page cache follows (zeroed ranges, blocks shifted by collapse and insert).
    Result<void> allocate(int mode, u64 offset, u64 len) override;

    /// The shared page cache of this file (mmap); fills read the host file.
    Ref<PageCache> page_cache() override;
    Result<void> fill_page(u64 index, std::span<u8> page) override;
    /// Writes a cached page back to the host (MAP_SHARED), up to the file's size.
    Result<void> write_back(u64 index, std::span<const u8> page) override;
    Result<u64> data_size() override { return size(); }

private:
    /// The host file opened for data, with at least the access asked for.
    Result<frame::HostFile*> data(bool needs_write);
    /// Reads every cached page at or past `offset` again from the host (after its blocks moved).
    Result<void> reload_cached_pages(u64 offset);
    void remember_stat(const frame::FileStat& st);

    Ref<HostFs> m_fs;
    frame::HostNode m_node;
    frame::FileStat m_stat {};
    u64 m_stat_epoch {0}; ///< the AttributeEpoch m_stat belongs to; 0 for none
    u32 m_open_files {0};
    std::optional<frame::HostFile> m_data;
    bool m_is_data_writable {false};
    Ref<PageCache> m_cache;
};

} // namespace asterix::services
