#pragma once

#include <string>

#include "services/process/process.h"

namespace asterix::services {

/// /proc/PID/maps: one line a memory area (proc(5)).
std::string maps_text(Process& process);
/// /proc/PID/smaps: each maps line followed by what the area uses (Rss, Pss, the shared and
/// private clean and dirty sizes, Anonymous, Locked, VmFlags), in Linux's layout.
std::string smaps_text(Process& process);
/// /proc/PID/smaps_rollup: the smaps sizes summed over every area, under one "[rollup]" line.
std::string smaps_rollup_text(Process& process);

} // namespace asterix::services
