// The host-file channel on bare metal: there is no host, so there is no host root (ENODEV);
// the root is the initramfs. Every operation of a node or file, which cannot exist, says the same.

#include "frame/host_file.h"

namespace asterix::frame {

HostFile::HostFile(HostFile&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
HostFile& HostFile::operator=(HostFile&& other) noexcept
{
    m_fd = other.m_fd;
    other.m_fd = -1;
    return *this;
}
HostFile::~HostFile() = default;
Result<usize> HostFile::read_at(u64, std::span<u8>) { return Errno::enodev; }
Result<usize> HostFile::write_at(u64, std::span<const u8>) { return Errno::enodev; }
Result<FileStat> HostFile::stat() { return Errno::enodev; }
Result<void> HostFile::truncate(u64) { return Errno::enodev; }
Result<void> HostFile::sync(bool) { return Errno::enodev; }
Result<void> HostFile::allocate(HostAllocMode, u64, u64) { return Errno::enodev; }
Result<std::vector<HostDirEntry>> HostFile::read_dir() { return Errno::enodev; }

Result<HostNode> HostNode::root() { return Errno::enodev; }
Result<HostNode> HostNode::volume(u32) { return Errno::enodev; }
HostNode::HostNode(HostNode&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
HostNode& HostNode::operator=(HostNode&& other) noexcept
{
    m_fd = other.m_fd;
    other.m_fd = -1;
    return *this;
}
HostNode::~HostNode() = default;
Result<HostNode> HostNode::lookup(std::string_view) const { return Errno::enodev; }
Result<FileStat> HostNode::stat_child(std::string_view) const { return Errno::enodev; }
Result<FileStat> HostNode::stat() const { return Errno::enodev; }
Result<std::string> HostNode::read_link() const { return Errno::enodev; }
Result<StatFs> HostNode::statfs() const { return Errno::enodev; }
Result<HostFile> HostNode::open(HostAccess) const { return Errno::enodev; }
Result<HostNode> HostNode::create(std::string_view, u32, HostOwner) const { return Errno::enodev; }
Result<void> HostNode::mkdir(std::string_view, u32, HostOwner) const { return Errno::enodev; }
Result<void> HostNode::mkfifo(std::string_view, u32, HostOwner) const { return Errno::enodev; }
Result<void> HostNode::mksock(std::string_view, u32, HostOwner) const { return Errno::enodev; }
Result<void> HostNode::symlink(std::string_view, std::string_view, HostOwner) const { return Errno::enodev; }
Result<void> HostNode::link(std::string_view, const HostNode&) const { return Errno::enodev; }
Result<void> HostNode::unlink(std::string_view, bool) const { return Errno::enodev; }
Result<void> HostNode::rename(std::string_view, const HostNode&, std::string_view, u32) const { return Errno::enodev; }
Result<void> HostNode::chmod(u32) const { return Errno::enodev; }
Result<void> HostNode::chown(u32, u32) const { return Errno::enodev; }
Result<void> HostNode::set_times(i64, i64, i64, i64) const { return Errno::enodev; }
Result<void> HostNode::truncate(u64) const { return Errno::enodev; }
Result<std::vector<u8>> HostNode::get_xattr(std::string_view) const { return Errno::enodev; }
Result<void> HostNode::set_xattr(std::string_view, std::span<const u8>, HostXattrMode) const { return Errno::enodev; }
Result<void> HostNode::remove_xattr(std::string_view) const { return Errno::enodev; }
Result<std::vector<std::string>> HostNode::list_xattrs() const { return Errno::enodev; }

} // namespace asterix::frame
