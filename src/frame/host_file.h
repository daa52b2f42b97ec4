#pragma once

#include <span>
#include <string_view>

#include "frame/file_stat.h"
#include "frame/result.h"

namespace asterix::frame {

/// A file of the host below the configured root (hosted backend only: the channel behind
/// hostfs). Every path is resolved by the host beneath the root, so no path or symlink leads
/// outside it. Host errors arrive as Linux errno values.
class HostFile {
public:
    enum class Follow : u8 { follow, no_follow };

    /// Opens `path` (absolute in the guest's view, i.e. relative to the root) read only.
    static Result<HostFile> open(std::string_view path);
    static Result<FileStat> stat_path(std::string_view path, Follow follow);

    HostFile(HostFile&& other) noexcept;
    HostFile& operator=(HostFile&& other) noexcept;
    HostFile(const HostFile&) = delete;
    ~HostFile();

    Result<usize> read_at(u64 offset, std::span<u8> dst);
    Result<FileStat> stat();

private:
    explicit HostFile(int fd) : m_fd(fd) {}
    int m_fd {-1};
};

} // namespace asterix::frame
