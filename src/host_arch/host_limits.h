#pragma once

// How many guest threads and processes the host can carry, measured once at start from the
// host's free resources (the defaults of --max-threads and --max-processes).

#include <array>

#include "frame/types.h"

namespace asterix::host {

/// Guest threads the host can carry: each guest thread's kernel task stack costs asterix two
/// host mappings (the stack and its guard page), so a share of vm.max_map_count bounds them.
u64 thread_budget();

/// Guest processes the host can carry: each has an address space, which is a host process that
/// counts against the host's pid_max and threads-max, the user's RLIMIT_NPROC and the pids
/// controller of asterix's cgroup. Half of what is free under each of these, so the rest of the
/// host keeps room too.
u64 process_budget();

/// The host's net.ipv4.ping_group_range (the groups that may open ping sockets), the guest's
/// default; Linux's own default, {1, 0} (no group), when the host's cannot be read.
std::array<u32, 2> ping_group_range();

} // namespace asterix::host
