#pragma once

#include "frame/ref.h"
#include "frame/result.h"
#include "services/fs/file.h"
#include "services/fs/inode.h"

namespace asterix::services {

/// devpts: the directory mounted on /dev/pts, whose entries are the slaves of the open pty
/// pairs (/dev/pts/N, character devices 136:N). An entry appears when /dev/ptmx is opened (the
/// lowest free N) and disappears when its master closes; N is free again once both sides closed.
Ref<Inode> make_dev_pts_fs();

/// /dev/ptmx: a new pty pair; the master's file (`ptmx` is the node it was opened through).
/// ENOSPC when every pty number is taken.
Result<Ref<File>> open_pty_master(const Ref<Dentry>& ptmx, u32 status_flags);

/// The pair numbered `index` is gone (its driver's destructor): the number is free again.
void release_pty_index(u32 index);

} // namespace asterix::services
