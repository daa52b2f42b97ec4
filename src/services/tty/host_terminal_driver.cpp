#include "services/tty/host_terminal_driver.h"

namespace asterix::services {

namespace {
constexpr u32 poll_out = 0x004;
}

u32 HostTerminalDriver::poll_events()
{
    u32 events = frame::console::poll(m_read_stream);
    if (m_write_stream == m_read_stream)
        return events;
    return (events & ~poll_out) | (frame::console::poll(m_write_stream) & poll_out);
}

} // namespace asterix::services
