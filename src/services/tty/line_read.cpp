#include "services/tty/line_read.h"

#include "frame/clock.h"
#include "services/process/signals.h"

namespace asterix::services {

Result<bool> wait_for_line(LineDiscipline& line, usize wanted, frame::WaitQueue& readers, const char* reason,
    const std::function<bool()>& after_wake)
{
    u64 timeout = line.read_timeout_ns();
    u64 deadline = timeout && !line.is_inter_byte_timer() ? frame::monotonic_ns() + timeout : ~0ull;
    usize seen = 0;
    while (!line.is_readable(wanted)) {
        if (timeout && line.is_inter_byte_timer() && line.bytes_ready() != seen) {
            seen = line.bytes_ready();
            deadline = frame::monotonic_ns() + timeout;
        }
        auto waited = wait_interruptible(readers, deadline, reason);
        if (waited.is_error() && waited.error() == Errno::etimedout)
            break; // what has come, maybe nothing
        if (waited.is_error())
            return waited.error();
        if (!after_wake())
            return false;
    }
    return true;
}

} // namespace asterix::services
