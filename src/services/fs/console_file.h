#pragma once

#include "frame/console.h"
#include "services/fs/file.h"

namespace asterix::services {

/// One of the console streams asterix was given (0, 1, 2), as the guest's fds 0-2.
class ConsoleFile final : public File {
public:
    ConsoleFile(int stream, u32 status_flags) : File(status_flags), m_stream(stream) {}

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<frame::FileStat> stat() override;
    Result<long> ioctl(Context& ctx, u32 request, u64 arg) override;
    Result<i64> seek(i64 offset, Whence whence) override;
    Result<int> bytes_ready() override;
    u32 poll_events() override;
    bool is_polled_by_time() override { return true; }
    Result<void> sync(bool is_data_only) override { return frame::console::sync(m_stream, is_data_only); }
    std::string description() override;

private:
    Result<void> check_foreground_read();

    int m_stream;
};

} // namespace asterix::services
