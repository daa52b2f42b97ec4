// The host-file channel: files below --root, resolved by the host with RESOLVE_IN_ROOT.

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "frame/host_file.h"
#include "host_arch/host.h"

namespace asterix {

namespace {
int g_root_fd = -1;

Result<int> open_in_root(std::string_view path, u64 flags)
{
    if (g_root_fd < 0)
        return Errno::enoent;
    std::string terminated(path);
    open_how how {};
    how.flags = flags | O_CLOEXEC;
    // Absolute guest paths start at the root; ".." and symlinks never leave it.
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    for (;;) {
        long fd = syscall(SYS_openat2, g_root_fd, terminated.c_str(), &how, sizeof how);
        if (fd >= 0)
            return static_cast<int>(fd);
        if (errno != EINTR && errno != EAGAIN)
            return host::errno_from_host(errno);
    }
}
} // namespace

bool host::set_root(const std::string& path)
{
    int fd = open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    if (g_root_fd >= 0)
        close(g_root_fd);
    g_root_fd = fd;
    return true;
}

int host::root_fd() { return g_root_fd; }

Result<frame::FileStat> host::stat_fd(int fd)
{
    struct stat st {};
    if (fstat(fd, &st) != 0)
        return errno_from_host(errno);
    return frame::FileStat {
        st.st_dev, st.st_ino, st.st_mode, static_cast<u32>(st.st_nlink), st.st_uid, st.st_gid, st.st_rdev,
        st.st_size, st.st_blksize, st.st_blocks,
        st.st_atim.tv_sec, st.st_atim.tv_nsec, st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
        st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
    };
}

namespace frame {

Result<HostFile> HostFile::open(std::string_view path)
{
    int fd = TRY(open_in_root(path, O_RDONLY));
    return HostFile(fd);
}

Result<FileStat> HostFile::stat_path(std::string_view path, Follow follow)
{
    int fd = TRY(open_in_root(path, O_PATH | (follow == Follow::no_follow ? O_NOFOLLOW : 0)));
    auto result = host::stat_fd(fd);
    ::close(fd);
    return result;
}

HostFile::HostFile(HostFile&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

HostFile& HostFile::operator=(HostFile&& other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

HostFile::~HostFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
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

Result<FileStat> HostFile::stat() { return host::stat_fd(m_fd); }

} // namespace frame

} // namespace asterix
