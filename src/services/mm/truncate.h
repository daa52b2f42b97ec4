#pragma once

#include "services/fs/inode.h"

namespace asterix::services {

/// After a file shrank to `size`: every process's mappings of it lose the pages past the end.
void unmap_truncated_pages(Inode& inode, u64 size);

} // namespace asterix::services
