#include "services/fs/event_file.h"

#include <array>
#include <bit>

#include "services/fs/anon_file.h"
#include "services/process/signals.h"

namespace asterix::services {

Result<usize> EventFile::read(frame::UserWriter& out)
{
    if (out.remaining() < sizeof(u64))
        return Errno::einval;
    while (m_count == 0) {
        if (is_nonblocking())
            return Errno::eagain;
        TRY(wait_interruptible(m_readers, ~0ull, "eventfd read"));
    }
    u64 value = m_mode == Mode::semaphore ? 1 : m_count;
    TRY(out.write(std::bit_cast<std::array<u8, sizeof(u64)>>(value)));
    m_count -= value;
    m_writers.wake_all();
    m_poll_queue.notify(abi::pollout);
    return sizeof(u64);
}

Result<usize> EventFile::write(frame::UserReader& in)
{
    if (in.remaining() < sizeof(u64))
        return Errno::einval;
    std::array<u8, sizeof(u64)> bytes {};
    TRY(in.read(bytes));
    u64 value = std::bit_cast<u64>(bytes);
    if (value == ~0ull)
        return Errno::einval;
    while (max_count - m_count < value) {
        if (is_nonblocking())
            return Errno::eagain;
        TRY(wait_interruptible(m_writers, ~0ull, "eventfd write"));
    }
    m_count += value;
    if (value) {
        m_readers.wake_all();
        m_poll_queue.notify(abi::pollin);
    }
    return sizeof(u64);
}

void EventFile::signal()
{
    if (m_count == ~0ull)
        return;
    ++m_count;
    m_readers.wake_all();
    m_poll_queue.notify(abi::pollin);
}

Result<frame::FileStat> EventFile::stat() { return anon_file_stat(); }

std::string EventFile::description() { return anon_file_description("eventfd"); }

u32 EventFile::poll_events()
{
    // As eventfd_poll: POLLERR only for a counter at its very top, which only the kernel's own
    // eventfd_signal could reach.
    u32 events = 0;
    if (m_count > 0)
        events |= abi::pollin | abi::pollrdnorm;
    if (m_count == ~0ull)
        events |= abi::pollerr;
    if (m_count < max_count)
        events |= abi::pollout | abi::pollwrnorm;
    return events;
}

} // namespace asterix::services
