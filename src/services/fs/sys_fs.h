#pragma once

#include "services/fs/inode.h"

namespace asterix::services {

/// The CPUs the guest sees: /proc/cpuinfo, /proc/stat, sched_getaffinity and /sys agree on it.
inline constexpr u32 guest_cpu_count = 1;

/// A minimal, read-only sysfs: /sys/devices/system/cpu/{online,possible,present,offline,
/// kernel_max,cpuN}. glibc's sysconf(_SC_NPROCESSORS_ONLN) reads `online` and
/// _SC_NPROCESSORS_CONF counts the cpuN directories, so with it mounted over the root's /sys
/// (the host's, through hostfs) the guest counts its own CPUs, not the host's.
Ref<Inode> make_sys_fs();

} // namespace asterix::services
