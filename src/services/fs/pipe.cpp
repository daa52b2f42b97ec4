#include "services/fs/pipe.h"

#include "services/fs/inode.h"

#include <algorithm>
#include <bit>
#include <vector>

#include "frame/clock.h"
#include "services/abi/poll.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {
u64 g_next_pipe_id = 1;
u64 g_pipe_created_sec = 0;
} // namespace

PipeBuffer::PipeBuffer() : m_id(g_next_pipe_id++) {}

PipeBuffer::~PipeBuffer()
{
    if (on_last_close)
        on_last_close();
}

PipeFile::PipeFile(Ref<PipeBuffer> buffer, End end, u32 flags, std::string path)
    : File(flags), m_buffer(std::move(buffer)), m_end(end), m_path(std::move(path))
{
    if (reads())
        ++m_buffer->readers;
    if (writes()) {
        ++m_buffer->writers;
        ++m_buffer->writes_seen;
    }
    if (!g_pipe_created_sec)
        g_pipe_created_sec = frame::realtime_ns() / 1'000'000'000;
    // A FIFO's other end may be waiting in poll for a writer to come (and then hang up).
    m_buffer->poll_queue.notify();
}

PipeFile::~PipeFile()
{
    if (reads()) {
        --m_buffer->readers;
        m_buffer->writable.wake_all();
    }
    if (writes()) {
        --m_buffer->writers;
        m_buffer->readable.wake_all();
    }
    // As Linux's pipe_release: the other end may now see POLLHUP or POLLERR.
    m_buffer->poll_queue.notify();
}

Result<usize> PipeFile::read(frame::UserWriter& out)
{
    if (!reads())
        return Errno::ebadf;
    if (out.remaining() == 0)
        return 0;
    PipeBuffer& pipe = *m_buffer;
    while (pipe.bytes.empty()) {
        if (pipe.writers == 0)
            return 0;
        if (is_nonblocking())
            return Errno::eagain;
        TRY(wait_interruptible(pipe.readable, ~0ull, "pipe read"));
    }
    std::vector<u8> chunk(std::min<u64>(out.remaining(), pipe.bytes.size()));
    usize n = pipe.bytes.peek(chunk);
    TRY(out.write(chunk));
    pipe.bytes.drop(n);
    pipe.writable.wake_all();
    pipe.poll_queue.notify(abi::pollout | abi::pollwrnorm);
    return n;
}

Result<usize> PipeFile::peek(std::span<u8> dst, bool is_nonblocking)
{
    PipeBuffer& pipe = *m_buffer;
    while (pipe.bytes.empty()) {
        if (pipe.writers == 0)
            return 0;
        if (is_nonblocking)
            return Errno::eagain;
        TRY(wait_interruptible(pipe.readable, ~0ull, "tee"));
    }
    return pipe.bytes.peek(dst);
}

Result<usize> PipeFile::write(frame::UserReader& in)
{
    if (!writes())
        return Errno::ebadf;
    PipeBuffer& pipe = *m_buffer;
    usize total = 0;
    std::vector<u8> chunk;
    while (in.remaining() > 0) {
        if (pipe.readers == 0) {
            if (Thread* thread = ProcessTable::current_thread())
                send_signal(*thread, make_signal_info(sigpipe, si_kernel));
            return total ? Result<usize>(total) : Errno::epipe;
        }
        usize room = pipe.capacity - pipe.bytes.size();
        // Small writes go in whole or wait (PIPE_BUF atomicity).
        bool must_wait = room == 0 || (in.remaining() <= PipeBuffer::atomic_bytes && room < in.remaining());
        if (must_wait) {
            if (is_nonblocking())
                return total ? Result<usize>(total) : Errno::eagain;
            auto waited = wait_interruptible(pipe.writable, ~0ull, "pipe write");
            if (waited.is_error())
                return total ? Result<usize>(total) : waited.error();
            continue;
        }
        chunk.resize(std::min<u64>(room, in.remaining()));
        auto got = in.read(chunk);
        if (got.is_error())
            return total ? Result<usize>(total) : got.error();
        auto stored = pipe.bytes.append(std::span<const u8>(chunk).first(got.value()));
        if (stored.is_error()) // no memory for the pipe's pages
            return total ? Result<usize>(total) : stored.error();
        total += stored.value();
        if (stored.value() < got.value()) { // memory ran out: a short write
            pipe.readable.wake_all();
            pipe.poll_queue.notify(abi::pollin | abi::pollrdnorm);
            return total;
        }
        pipe.readable.wake_all();
        pipe.poll_queue.notify(abi::pollin | abi::pollrdnorm);
    }
    return total;
}

Result<frame::FileStat> PipeFile::stat()
{
    frame::FileStat st {};
    st.dev = 0xc;
    st.ino = m_buffer->id();
    st.mode = s_ififo | 0600;
    st.nlink = 1;
    st.blksize = page_size;
    st.atime_sec = st.mtime_sec = st.ctime_sec = static_cast<i64>(g_pipe_created_sec);
    return st;
}

u32 PipeFile::poll_events()
{
    const PipeBuffer& pipe = *m_buffer;
    u32 events = 0;
    if (reads()) {
        if (!pipe.bytes.empty())
            events |= abi::pollin | abi::pollrdnorm;
        if (pipe.writers == 0 && pipe.writes_seen)
            events |= abi::pollhup;
    }
    if (writes()) {
        if (pipe.readers == 0)
            events |= abi::pollerr;
        else if (pipe.capacity - pipe.bytes.size() >= PipeBuffer::atomic_bytes)
            events |= abi::pollout | abi::pollwrnorm;
    }
    return events;
}

Result<long> PipeFile::pipe_capacity(std::optional<u64> new_bytes, bool may_exceed_limit)
{
    PipeBuffer& pipe = *m_buffer;
    if (!new_bytes)
        return static_cast<long>(pipe.capacity);
    // Linux's round_pipe_size: at least a page, a power of two, at most 2 GiB.
    u64 wanted = *new_bytes;
    if (wanted > (u64 {1} << 31))
        return Errno::einval;
    u64 bytes = std::bit_ceil(std::max<u64>(wanted, page_size));
    if (bytes > pipe.capacity && bytes > PipeBuffer::max_unprivileged_capacity && !may_exceed_limit)
        return Errno::eperm;
    // What the pipe holds must still fit, counted in pages as Linux counts its buffers.
    if ((pipe.bytes.size() + page_size - 1) / page_size > bytes / page_size)
        return Errno::ebusy;
    pipe.capacity = bytes;
    pipe.writable.wake_all();
    pipe.poll_queue.notify(abi::pollout | abi::pollwrnorm);
    return static_cast<long>(bytes);
}

std::string PipeFile::description() { return m_path.empty() ? "pipe:[" + std::to_string(m_buffer->id()) + "]" : m_path; }

} // namespace asterix::services
