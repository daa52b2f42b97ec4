#pragma once

#include "services/fs/file.h"

namespace asterix::services {

/// An open /proc/PID/mem: the process's memory at the file's offsets, read and written as a
/// tracer's PEEKDATA and POKEDATA would (writes reach read-only private pages through a
/// private copy). An address nothing is mapped at is EIO.
Ref<File> open_proc_mem(Ref<Dentry> dentry, u32 flags, i32 pid);

} // namespace asterix::services
