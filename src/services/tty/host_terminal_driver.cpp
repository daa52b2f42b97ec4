#include "services/tty/host_terminal_driver.h"

#include "services/abi/poll.h"

namespace asterix::services {

u32 HostTerminalDriver::poll_events()
{
    u32 events = frame::console::poll(m_read_stream);
    if (m_write_stream == m_read_stream)
        return events;
    constexpr auto writable = static_cast<u32>(abi::pollout);
    return (events & ~writable) | (frame::console::poll(m_write_stream) & writable);
}

} // namespace asterix::services
