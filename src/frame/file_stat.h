#pragma once

#include "frame/types.h"

namespace asterix::frame {

/// File metadata as the frame's devices report it (host files, the console).
struct FileStat {
    u64 dev, ino;
    u32 mode, nlink, uid, gid;
    u64 rdev;
    i64 size, blksize, blocks;
    i64 atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};

} // namespace asterix::frame
