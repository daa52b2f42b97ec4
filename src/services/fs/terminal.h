#pragma once

#include "frame/types.h"

namespace asterix::services {

/// The console as a controlling terminal: its session and foreground process group
/// (TIOCSCTTY, TIOCSPGRP, TIOCGPGRP), and where the host terminal's signals go.
struct Terminal {
    i32 session {0};
    i32 foreground_pgrp {0};
};

Terminal& console_terminal();

/// Sends the terminal signals the host delivered (^C, ^\, ^Z, window size) to the foreground
/// process group: the frame calls it at safe points.
void forward_console_signals(u64 signals);

} // namespace asterix::services
