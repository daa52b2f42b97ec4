#include "services/tty/host_terminal_driver.h"

#include "services/abi/poll.h"
#include "services/tty/console.h"

namespace asterix::services {

u32 HostTerminalDriver::poll_events()
{
    u32 events = frame::console::poll(m_read_stream);
    if (m_write_stream == m_read_stream)
        return events;
    constexpr auto writable = static_cast<u32>(abi::pollout);
    return (events & ~writable) | (frame::console::poll(m_write_stream) & writable);
}

Result<frame::FileStat> HostTerminalDriver::stat() { return console_device_stat(TRY(frame::console::stat(m_read_stream))); }

std::string HostTerminalDriver::description() { return console_device_path; }

} // namespace asterix::services
