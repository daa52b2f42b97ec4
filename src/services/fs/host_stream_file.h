#pragma once

#include "frame/console.h"
#include "services/fs/file.h"

namespace asterix::services {

/// A console stream asterix was given (0, 1 or 2) that is a host pipe or file, not a terminal:
/// the guest's fd reads and writes it as it is (`asterix run prog <in >out`). A host terminal
/// is a TerminalFile instead, with job control.
class HostStreamFile final : public File {
public:
    HostStreamFile(int stream, u32 status_flags) : File(status_flags), m_stream(stream) {}

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<frame::FileStat> stat() override { return frame::console::stat(m_stream); }
    Result<i64> seek(i64 offset, Whence whence) override;
    Result<int> bytes_ready() override { return frame::console::bytes_ready(m_stream); }
    u32 poll_events() override { return frame::console::poll(m_stream); }
    /// Readiness comes from the host, which wakes nobody in the kernel.
    bool is_polled_by_time() override { return true; }
    Result<void> sync(bool is_data_only) override { return frame::console::sync(m_stream, is_data_only); }
    std::string description() override { return frame::console::describe(m_stream); }

private:
    int m_stream;
};

} // namespace asterix::services
