#pragma once

#include <deque>

#include "frame/task.h"
#include "services/fs/file.h"

namespace asterix::services {

/// The buffer between the two ends of a pipe.
class PipeBuffer : public RefCounted<PipeBuffer> {
public:
    static constexpr usize capacity = 65536;
    /// Pipe writes of at most this many bytes are atomic (PIPE_BUF).
    static constexpr usize atomic_bytes = 4096;

    u64 id() const { return m_id; }
    std::deque<u8> bytes;
    u32 readers {0};
    u32 writers {0};
    frame::WaitQueue readable;
    frame::WaitQueue writable;

    PipeBuffer();

private:
    u64 m_id;
};

/// One end of a pipe.
class PipeFile final : public File {
public:
    enum class End : u8 { read, write };
    PipeFile(Ref<PipeBuffer> buffer, End end, u32 flags);
    ~PipeFile();

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<frame::FileStat> stat() override;
    Result<int> bytes_ready() override { return static_cast<int>(m_buffer->bytes.size()); }
    u32 poll_events() override;
    std::string description() override;

private:
    Ref<PipeBuffer> m_buffer;
    End m_end;
};

} // namespace asterix::services
