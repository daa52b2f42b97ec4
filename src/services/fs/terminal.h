#pragma once

#include "frame/task.h"
#include "frame/types.h"
#include "services/fs/line_discipline.h"

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

/// On a raw console line (bare metal), the terminal's line discipline, and the tasks waiting
/// for it to have something to read or to let output go on.
LineDiscipline& console_line_discipline();
frame::WaitQueue& console_readers();
frame::WaitQueue& console_writers(); ///< waiting for ^Q
/// Feeds what the line received to the line discipline: echoes it, sends the signals it
/// raised, wakes readers (and writers, for ^Q). The frame calls it when bytes arrive;
/// readers, writers and poll call it too.
void take_console_input();

} // namespace asterix::services
