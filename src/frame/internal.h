#pragma once

// Frame-internal entry points shared between the frame's files and the backend.

#include "frame/task.h"

namespace asterix::frame {

/// Runs the scheduler loop on the boot context until power-off or no task is left.
void run_scheduler();
/// Tasks waiting for input on the console; the scheduler wakes them when input arrives.
WaitQueue& console_input_waiters();

} // namespace asterix::frame
