#pragma once

#include <span>
#include <string>

#include "services/fs/inode.h"

namespace asterix::services {

/// Unpacks a cpio "newc" archive (the format of Linux's initramfs) into `root`, a directory of a
/// fresh tmpfs: directories, regular files, symlinks, FIFOs and hard links, with their modes,
/// owners and modification times. A corrupt archive gets EINVAL and `problem` says what and
/// where; an entry whose parent directory is missing gets ENOENT; a full tmpfs ENOSPC.
Result<void> unpack_initramfs(Inode& root, std::span<const u8> archive, std::string& problem);

} // namespace asterix::services
