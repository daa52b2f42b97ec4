// The host-file channel: objects below --root, reached one component at a time by O_PATH
// descriptors, never following a symlink on the host.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "frame/host_file.h"
#include "host_arch/host.h"

namespace asterix {

namespace {
int g_root_fd = -1;

Result<void> check(int result)
{
    if (result < 0)
        return host::errno_from_host(errno);
    return {};
}

/// A NUL-terminated copy of one path component; EINVAL when it could name more than a child.
Result<std::string> component(std::string_view name)
{
    if (name.empty() || name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos)
        return Errno::einval;
    return std::string(name);
}

/// The /proc/self/fd path that reopens an O_PATH descriptor (the host's own magic link).
std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

/// A NUL-terminated attribute name; EINVAL for one the host would read short.
Result<std::string> xattr_name(std::string_view name)
{
    if (name.empty() || name.find('\0') != std::string_view::npos)
        return Errno::einval;
    return std::string(name);
}

/// Reads a variable-size answer (an attribute value or the name list) whole: asks the size,
/// then reads; when the attribute grew in between (ERANGE), asks again, a few times at most.
template<typename Call>
Result<std::vector<u8>> read_sized(Call call)
{
    constexpr int attempts = 8;
    for (int attempt = 0;; ++attempt) {
        ssize_t size = call(nullptr, 0);
        if (size < 0)
            return host::errno_from_host(errno);
        std::vector<u8> bytes(static_cast<usize>(size));
        if (size == 0)
            return bytes;
        ssize_t n = call(bytes.data(), bytes.size());
        if (n >= 0) {
            bytes.resize(static_cast<usize>(n));
            return bytes;
        }
        if (errno != ERANGE || attempt + 1 == attempts)
            return host::errno_from_host(errno);
    }
}

/// Gives a new object, open on `fd` (O_PATH or not), to the guest's owner when the kernel is
/// host root, then its mode (not filtered by the host's umask: chmod never is). The object
/// was made with mode 0, so until then only host root could open it.
Result<void> settle_new(int fd, frame::HostOwner owner, std::optional<u32> mode)
{
    if (geteuid() == 0)
        TRY(check(fchownat(fd, "", owner.uid, owner.gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)));
    if (mode)
        TRY(check(fchmodat(AT_FDCWD, fd_path(fd).c_str(), *mode, 0)));
    return {};
}

/// settle_new for the child `name` of `dir_fd`, just made; it is removed again (with
/// `unlink_flags`) when it cannot be settled, so no object with the wrong owner remains.
Result<void> settle_new_child(int dir_fd, const std::string& name, frame::HostOwner owner, std::optional<u32> mode,
    int unlink_flags)
{
    int fd = openat(dir_fd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int error = errno;
        unlinkat(dir_fd, name.c_str(), unlink_flags);
        return host::errno_from_host(error);
    }
    auto settled = settle_new(fd, owner, mode);
    ::close(fd);
    if (settled.is_error())
        unlinkat(dir_fd, name.c_str(), unlink_flags);
    return settled;
}

// Host descriptors are an instance resource: every guest file below --root (and every cached
// node on the way to it) holds one, and asterix needs a few of its own to start an address
// space (a fork takes a pipe). So at start the soft RLIMIT_NOFILE goes up to the hard limit,
// a reserve stays for the kernel's own use, and the guests' files get the rest: past it an
// open or lookup gets ENFILE (Linux's answer when fs.file-max is reached), while forks and
// the kernel's own descriptors always have room. One guest can thus fill the instance's file
// table, as on Linux, but never make another's fork fail.
constexpr usize kernel_fd_reserve = 256;
usize g_guest_fds = 0;

usize guest_fd_budget()
{
    static const usize budget = [] {
        rlimit limit {};
        if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
            return usize {kernel_fd_reserve};
        if (limit.rlim_cur < limit.rlim_max) {
            rlimit raised {limit.rlim_max, limit.rlim_max};
            if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
                limit = raised;
        }
        usize soft = static_cast<usize>(limit.rlim_cur);
        return soft > 2 * kernel_fd_reserve ? soft - kernel_fd_reserve : soft / 2;
    }();
    return budget;
}

/// ENFILE when the guests' share of host descriptors is used up.
Result<void> reserve_guest_fd()
{
    if (g_guest_fds >= guest_fd_budget())
        return Errno::enfile;
    return {};
}

/// Counts a descriptor just opened for a guest (nothing when the open failed).
int count_guest_fd(int fd)
{
    if (fd >= 0)
        ++g_guest_fds;
    return fd;
}

void close_guest_fd(int fd)
{
    ::close(fd);
    if (g_guest_fds > 0)
        --g_guest_fds;
}
} // namespace

bool host::set_root(const std::string& path)
{
    guest_fd_budget(); // raises the soft RLIMIT_NOFILE now, before any guest runs
    int fd = open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    if (g_root_fd >= 0)
        close(g_root_fd);
    g_root_fd = fd;
    return true;
}

int host::root_fd() { return g_root_fd; }

namespace {
/// The --volume directories, by index.
std::vector<int> g_volume_fds;
}

int host::add_volume(const std::string& path)
{
    int fd = open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    g_volume_fds.push_back(fd);
    return static_cast<int>(g_volume_fds.size() - 1);
}

Result<frame::FileStat> host::stat_fd(int fd)
{
    struct stat st {};
    if (fstat(fd, &st) != 0)
        return errno_from_host(errno);
    return file_stat_from_host(st);
}

frame::FileStat host::file_stat_from_host(const struct stat& st)
{
    return frame::FileStat {
        st.st_dev, st.st_ino, st.st_mode, static_cast<u32>(st.st_nlink), st.st_uid, st.st_gid, st.st_rdev,
        st.st_size, st.st_blksize, st.st_blocks,
        st.st_atim.tv_sec, st.st_atim.tv_nsec, st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
        st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
    };
}

namespace frame {

// HostFile

HostFile::HostFile(HostFile&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

HostFile& HostFile::operator=(HostFile&& other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            close_guest_fd(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

HostFile::~HostFile()
{
    if (m_fd >= 0)
        close_guest_fd(m_fd);
}

Result<usize> HostFile::read_at(u64 offset, std::span<u8> dst)
{
    for (;;) {
        ssize_t n = pread(m_fd, dst.data(), dst.size(), static_cast<off_t>(offset));
        if (n >= 0)
            return static_cast<usize>(n);
        if (errno != EINTR)
            return host::errno_from_host(errno);
    }
}

Result<usize> HostFile::write_at(u64 offset, std::span<const u8> src)
{
    for (;;) {
        ssize_t n = pwrite(m_fd, src.data(), src.size(), static_cast<off_t>(offset));
        if (n >= 0)
            return static_cast<usize>(n);
        if (errno != EINTR)
            return host::errno_from_host(errno);
    }
}

Result<FileStat> HostFile::stat() { return host::stat_fd(m_fd); }
Result<void> HostFile::truncate(u64 size) { return check(ftruncate(m_fd, static_cast<off_t>(size))); }
Result<void> HostFile::sync(bool is_data_only) { return check(is_data_only ? fdatasync(m_fd) : fsync(m_fd)); }

Result<void> HostFile::allocate(HostAllocMode mode, u64 offset, u64 len)
{
    int host_mode = 0;
    switch (mode) {
    case HostAllocMode::allocate:
        break;
    case HostAllocMode::allocate_keep_size:
        host_mode = FALLOC_FL_KEEP_SIZE;
        break;
    case HostAllocMode::punch_hole:
        host_mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
        break;
    case HostAllocMode::zero_range:
        host_mode = FALLOC_FL_ZERO_RANGE;
        break;
    case HostAllocMode::zero_range_keep_size:
        host_mode = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
        break;
    case HostAllocMode::collapse_range:
        host_mode = FALLOC_FL_COLLAPSE_RANGE;
        break;
    case HostAllocMode::insert_range:
        host_mode = FALLOC_FL_INSERT_RANGE;
        break;
    }
    for (;;) {
        if (fallocate(m_fd, host_mode, static_cast<off_t>(offset), static_cast<off_t>(len)) == 0)
            return {};
        if (errno != EINTR)
            return host::errno_from_host(errno);
    }
}

Result<std::vector<HostDirEntry>> HostFile::read_dir()
{
    std::vector<HostDirEntry> entries;
    if (lseek(m_fd, 0, SEEK_SET) < 0)
        return host::errno_from_host(errno);
    alignas(8) char buffer[32768];
    for (;;) {
        long n = syscall(SYS_getdents64, m_fd, buffer, sizeof buffer);
        if (n < 0)
            return host::errno_from_host(errno);
        if (n == 0)
            return entries;
        for (long at = 0; at < n;) {
            // SAFETY: the host kernel filled `buffer` with linux_dirent64 records up to n.
            auto* entry = reinterpret_cast<dirent64*>(buffer + at);
            std::string_view name = entry->d_name;
            if (name != "." && name != "..")
                entries.push_back({entry->d_ino, entry->d_type, std::string(name)});
            at += entry->d_reclen;
        }
    }
}

// HostNode

Result<HostNode> HostNode::root()
{
    if (g_root_fd < 0)
        return Errno::enoent;
    TRY(reserve_guest_fd());
    int fd = count_guest_fd(fcntl(g_root_fd, F_DUPFD_CLOEXEC, 3));
    if (fd < 0)
        return host::errno_from_host(errno);
    return HostNode(fd);
}

Result<HostNode> HostNode::volume(u32 index)
{
    if (index >= g_volume_fds.size())
        return Errno::enoent;
    TRY(reserve_guest_fd());
    int fd = count_guest_fd(fcntl(g_volume_fds[index], F_DUPFD_CLOEXEC, 3));
    if (fd < 0)
        return host::errno_from_host(errno);
    return HostNode(fd);
}

HostNode::HostNode(HostNode&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

HostNode& HostNode::operator=(HostNode&& other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            close_guest_fd(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

HostNode::~HostNode()
{
    if (m_fd >= 0)
        close_guest_fd(m_fd);
}

Result<HostNode> HostNode::lookup(std::string_view name) const
{
    auto child = TRY(component(name));
    TRY(reserve_guest_fd());
    int fd = count_guest_fd(openat(m_fd, child.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (fd < 0)
        return host::errno_from_host(errno);
    return HostNode(fd);
}

Result<FileStat> HostNode::stat_child(std::string_view name) const
{
    auto child = TRY(component(name));
    struct stat st {};
    if (fstatat(m_fd, child.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return host::errno_from_host(errno);
    return host::file_stat_from_host(st);
}

Result<FileStat> HostNode::stat() const { return host::stat_fd(m_fd); }

Result<std::string> HostNode::read_link() const
{
    char buffer[4096];
    ssize_t n = readlinkat(m_fd, "", buffer, sizeof buffer);
    if (n < 0)
        return host::errno_from_host(errno);
    return std::string(buffer, static_cast<usize>(n));
}

Result<StatFs> HostNode::statfs() const
{
    struct statfs st {};
    if (fstatfs(m_fd, &st) != 0)
        return host::errno_from_host(errno);
    u64 fsid = (static_cast<u64>(static_cast<u32>(st.f_fsid.__val[1])) << 32) | static_cast<u32>(st.f_fsid.__val[0]);
    return StatFs {static_cast<u64>(st.f_type), static_cast<u64>(st.f_bsize), st.f_blocks, st.f_bfree, st.f_bavail,
        st.f_files, st.f_ffree, fsid, static_cast<u64>(st.f_namelen), static_cast<u64>(st.f_frsize),
        static_cast<u64>(st.f_flags)};
}

Result<HostFile> HostNode::open(HostAccess access) const
{
    int flags = access == HostAccess::read_only ? O_RDONLY : access == HostAccess::write_only ? O_WRONLY : O_RDWR;
    // Reopening an O_PATH descriptor through its magic link yields the same object; O_NOCTTY
    // and O_NONBLOCK keep a FIFO or device from blocking the kernel or becoming its terminal.
    // The descriptor stays non-blocking, which a regular file or directory ignores.
    TRY(reserve_guest_fd());
    int fd = count_guest_fd(::open(fd_path(m_fd).c_str(), flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd < 0)
        return host::errno_from_host(errno);
    return HostFile(fd);
}

Result<HostNode> HostNode::create(std::string_view name, u32 mode, HostOwner owner) const
{
    auto child = TRY(component(name));
    TRY(reserve_guest_fd());
    // Made with no permission bits, so that nobody opens it before its owner and mode are set.
    int fd = openat(m_fd, child.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0)
        return host::errno_from_host(errno);
    auto settled = settle_new(fd, owner, mode);
    if (settled.is_error()) {
        ::close(fd);
        unlinkat(m_fd, child.c_str(), 0);
        return settled.error();
    }
    // The node of what was made comes from its own descriptor: a lookup by name could find
    // nothing, or another object, if a host process removed or replaced the name meanwhile.
    int node_fd = count_guest_fd(::open(fd_path(fd).c_str(), O_PATH | O_CLOEXEC));
    int error = errno;
    ::close(fd);
    if (node_fd < 0)
        return host::errno_from_host(error);
    return HostNode(node_fd);
}

Result<void> HostNode::mkdir(std::string_view name, u32 mode, HostOwner owner) const
{
    auto child = TRY(component(name));
    TRY(check(mkdirat(m_fd, child.c_str(), 0)));
    return settle_new_child(m_fd, child, owner, mode, AT_REMOVEDIR);
}

Result<void> HostNode::mkfifo(std::string_view name, u32 mode, HostOwner owner) const
{
    auto child = TRY(component(name));
    TRY(check(mkfifoat(m_fd, child.c_str(), 0)));
    return settle_new_child(m_fd, child, owner, mode, 0);
}

Result<void> HostNode::mksock(std::string_view name, u32 mode, HostOwner owner) const
{
    auto child = TRY(component(name));
    TRY(check(mknodat(m_fd, child.c_str(), S_IFSOCK, 0)));
    return settle_new_child(m_fd, child, owner, mode, 0);
}

Result<void> HostNode::symlink(std::string_view name, std::string_view target, HostOwner owner) const
{
    auto child = TRY(component(name));
    std::string text(target);
    TRY(check(symlinkat(text.c_str(), m_fd, child.c_str())));
    // A symlink's own mode is always 0777 and means nothing; only its owner is set.
    return settle_new_child(m_fd, child, owner, std::nullopt, 0);
}

Result<void> HostNode::link(std::string_view name, const HostNode& target) const
{
    auto child = TRY(component(name));
    return check(linkat(target.m_fd, "", m_fd, child.c_str(), AT_EMPTY_PATH));
}

Result<void> HostNode::unlink(std::string_view name, bool is_directory) const
{
    auto child = TRY(component(name));
    return check(unlinkat(m_fd, child.c_str(), is_directory ? AT_REMOVEDIR : 0));
}

Result<void> HostNode::rename(std::string_view name, const HostNode& new_dir, std::string_view new_name, u32 flags) const
{
    auto from = TRY(component(name));
    auto to = TRY(component(new_name));
    return check(static_cast<int>(syscall(SYS_renameat2, m_fd, from.c_str(), new_dir.m_fd, to.c_str(), flags)));
}

Result<void> HostNode::chmod(u32 mode) const { return check(fchmodat(AT_FDCWD, fd_path(m_fd).c_str(), mode, 0)); }

Result<void> HostNode::chown(u32 uid, u32 gid) const
{
    return check(fchownat(m_fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
}

Result<void> HostNode::set_times(i64 atime_sec, i64 atime_nsec, i64 mtime_sec, i64 mtime_nsec) const
{
    auto convert = [](i64 sec, i64 nsec) {
        timespec ts {};
        ts.tv_sec = sec;
        ts.tv_nsec = nsec == -1 ? UTIME_NOW : nsec == -2 ? UTIME_OMIT : nsec;
        return ts;
    };
    timespec times[2] = {convert(atime_sec, atime_nsec), convert(mtime_sec, mtime_nsec)};
    return check(utimensat(m_fd, "", times, AT_EMPTY_PATH));
}

Result<void> HostNode::truncate(u64 size) const
{
    return check(::truncate(fd_path(m_fd).c_str(), static_cast<off_t>(size)));
}

// The xattr calls go through the descriptor's magic link with the following variants: an
// O_PATH descriptor cannot do f*xattr (EBADF), and the l* variants would act on the
// /proc/self/fd link itself. Following a magic link jumps to the descriptor's own object,
// which for a symlink is the symlink, so no guest path is ever resolved on the host.

Result<std::vector<u8>> HostNode::get_xattr(std::string_view name) const
{
    auto key = TRY(xattr_name(name));
    std::string path = fd_path(m_fd);
    return read_sized([&](u8* buffer, usize size) { return getxattr(path.c_str(), key.c_str(), buffer, size); });
}

Result<void> HostNode::set_xattr(std::string_view name, std::span<const u8> value, HostXattrMode mode) const
{
    auto key = TRY(xattr_name(name));
    int flags = mode == HostXattrMode::create_only ? XATTR_CREATE : mode == HostXattrMode::replace_only ? XATTR_REPLACE : 0;
    return check(setxattr(fd_path(m_fd).c_str(), key.c_str(), value.data(), value.size(), flags));
}

Result<void> HostNode::remove_xattr(std::string_view name) const
{
    auto key = TRY(xattr_name(name));
    return check(removexattr(fd_path(m_fd).c_str(), key.c_str()));
}

Result<std::vector<std::string>> HostNode::list_xattrs() const
{
    std::string path = fd_path(m_fd);
    // SAFETY: listxattr writes at most `size` bytes into the buffer; char and u8 alias.
    auto bytes = TRY(read_sized(
        [&](u8* buffer, usize size) { return listxattr(path.c_str(), reinterpret_cast<char*>(buffer), size); }));
    std::vector<std::string> names;
    std::string current;
    for (u8 byte : bytes) {
        if (byte == 0) {
            if (!current.empty())
                names.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(static_cast<char>(byte));
        }
    }
    return names;
}

} // namespace frame

} // namespace asterix
