#pragma once

// Frame-internal entry points shared between the frame's files and the backend.

#include <span>

#include "frame/phys_mem.h"
#include "frame/task.h"

namespace asterix::frame {

/// Runs the scheduler loop on the boot context until power-off or no task is left.
void run_scheduler();
/// Tasks waiting for input on the console; the scheduler wakes them when input arrives.
WaitQueue& console_input_waiters();
/// A frame's bytes in place, through the direct map; valid while a handle to the frame lives.
/// Only the frame and its backends may hold such a view (page tables, the hosted stub's data
/// page, boot checks); services copy through FrameReader and FrameWriter instead.
std::span<u8> frame_direct_bytes(const Frame& frame);

} // namespace asterix::frame
