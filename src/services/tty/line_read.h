#pragma once

#include <functional>

#include "frame/result.h"
#include "frame/task.h"
#include "services/tty/line_discipline.h"

namespace asterix::services {

/// Waits until a read of `wanted` bytes from `line` may return: a line, or in raw mode as VMIN
/// and VTIME say (termios(3)): VTIME is a timer for the whole read when VMIN is 0, else one
/// that starts with the first byte and restarts with each. `after_wake` runs after each
/// wake-up (to take new input) and ends the wait with false (a hangup: the read returns 0).
/// True when the read should take what the line holds, maybe nothing when VTIME ran out.
Result<bool> wait_for_line(LineDiscipline& line, usize wanted, frame::WaitQueue& readers, const char* reason,
    const std::function<bool()>& after_wake);

} // namespace asterix::services
