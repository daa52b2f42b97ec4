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
/// The network device's interrupt: hands waiting frames to the receive hook (or drops them).
/// Called by the scheduler at its safe points.
void poll_net_device();
/// A frame's bytes in place, through the direct map; valid while a handle to the frame lives.
/// Only the frame and its backends may hold such a view (page tables, the hosted stub's data
/// page, boot checks); services copy through FrameReader and FrameWriter instead.
std::span<u8> frame_direct_bytes(const Frame& frame);

/// Sets up the clock: calibrates the TSC against the backend's reference clock where the TSC
/// may be the clock. Called once at boot, before the timer starts.
void init_clock();
/// Brings the clock parameters (and the vDSO's data page) up to date; called on timer ticks.
void clock_tick();
/// From now on the clock parameters are also published in `data_page` (the vDSO's [vvar]).
void publish_clock_in(std::span<u8> data_page);

} // namespace asterix::frame
