#pragma once

#include <functional>

#include "frame/result.h"
#include "services/fs/file.h"

namespace asterix::services {

enum class FlockKind : u8 { shared, exclusive, unlock };
enum class FlockWait : u8 { block, nonblocking };

/// flock(2): whole-file locks owned by open file descriptions (shared by dups and forks),
/// on the file's inode (or the open file itself when it has none). Converting a lock drops the
/// old one first, as Linux does; a lock goes when its open file description's last reference
/// closes. Blocking waits end with ERESTARTSYS on a signal; non-blocking ones fail EWOULDBLOCK.
Result<void> flock(File& file, FlockKind kind, FlockWait wait);

/// Calls `fn` for each flock(2) lock held now (for /proc/locks): the open file description
/// that holds it, whether it is exclusive, and the process that took it.
void for_each_flock(const std::function<void(File& file, bool is_exclusive, i32 pid)>& fn);

} // namespace asterix::services
