#pragma once

#include "services/fs/dentry.h"
#include "services/fs/file.h"

namespace asterix::services {

/// Opens a named pipe (fifo(7)): every open of one FIFO shares one pipe buffer. A read-only open
/// waits for a writer and a write-only open for a reader (O_NONBLOCK: the read side goes on at
/// once, the write side fails with ENXIO); O_RDWR never waits.
Result<Ref<File>> open_fifo(const Ref<Dentry>& dentry, u64 dev, u64 ino, u32 flags);

} // namespace asterix::services
