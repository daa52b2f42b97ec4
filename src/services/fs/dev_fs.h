#pragma once

#include "services/fs/inode.h"

namespace asterix::services {

/// devfs: the device nodes a Linux program expects in /dev (null, zero, full, random, urandom,
/// tty, console, ptmx), the /dev/pts, /dev/shm and /dev/mqueue mount points, and the /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr links into /proc.
Ref<Inode> make_dev_fs();

} // namespace asterix::services
