#pragma once

#include <functional>
#include <string>

#include "frame/task.h"
#include "services/fs/file.h"
#include "services/fs/pipe_ring.h"

namespace asterix::services {

/// The buffer between the two ends of a pipe.
class PipeBuffer : public RefCounted<PipeBuffer> {
public:
    /// A new pipe's capacity, and the most an unprivileged F_SETPIPE_SZ may ask for
    /// (/proc/sys/fs/pipe-max-size).
    static constexpr usize default_capacity = 65536;
    static constexpr usize max_unprivileged_capacity = 1024 * 1024;
    /// Pipe writes of at most this many bytes are atomic (PIPE_BUF).
    static constexpr usize atomic_bytes = 4096;

    u64 id() const { return m_id; }
    PipeRing bytes;
    /// How many bytes the pipe holds before writers wait (F_SETPIPE_SZ changes it).
    usize capacity {default_capacity};
    u32 readers {0};
    u32 writers {0};
    /// Writers that have come and gone (a FIFO reader stops waiting for one once one came).
    u32 writes_seen {0};
    frame::WaitQueue readable;
    frame::WaitQueue writable;
    /// FIFO opens wait here for the other end.
    frame::WaitQueue opened;
    /// poll, select and epoll of either end hear changes here.
    PollQueue poll_queue;
    /// Called when the last end closes (a FIFO forgets its buffer).
    std::function<void()> on_last_close;

    PipeBuffer();
    ~PipeBuffer();

private:
    u64 m_id;
};

/// One end of a pipe (or both, for a FIFO opened O_RDWR).
class PipeFile final : public File {
public:
    enum class End : u8 { read, write, read_write };
    /// `path` names a FIFO in the tree; empty for an anonymous pipe.
    PipeFile(Ref<PipeBuffer> buffer, End end, u32 flags, std::string path = {});
    ~PipeFile();

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<frame::FileStat> stat() override;
    Result<int> bytes_ready() override { return static_cast<int>(m_buffer->bytes.size()); }
    Result<long> pipe_capacity(std::optional<u64> new_bytes, bool may_exceed_limit) override;
    u32 poll_events() override;
    PollQueue* poll_queue() override { return &m_buffer->poll_queue; }
    std::string description() override;
    PipeFile* as_pipe() override { return this; }

    /// tee(2): copies up to dst.size() bytes from the front without taking them; waits for
    /// data like a read (0 once no writer is left, EAGAIN when non-blocking).
    Result<usize> peek(std::span<u8> dst, bool is_nonblocking);
    /// Whether the two ends share one buffer (splice and tee refuse that: EINVAL).
    bool is_same_pipe(const PipeFile& other) const { return m_buffer.ptr() == other.m_buffer.ptr(); }
    /// Bytes the pipe can take now without waiting.
    usize free_bytes() const { return m_buffer->capacity > m_buffer->bytes.size() ? m_buffer->capacity - m_buffer->bytes.size() : 0; }
    bool can_read() const { return reads(); }
    bool can_write() const { return writes(); }

private:
    bool reads() const { return m_end != End::write; }
    bool writes() const { return m_end != End::read; }

    Ref<PipeBuffer> m_buffer;
    End m_end;
    std::string m_path;
};

} // namespace asterix::services
