#pragma once

#include "services/fs/inode.h"

namespace asterix::services {

/// procfs: /proc/self, /proc/PID/{exe,cwd,root,fd,fdinfo,maps,stat,status,cmdline,environ,
/// mounts,comm}, and the system files tools read (meminfo, cpuinfo, uptime, loadavg,
/// filesystems, mounts, sys/kernel/{ostype,osrelease,hostname}).
Ref<Inode> make_proc_fs();

} // namespace asterix::services
