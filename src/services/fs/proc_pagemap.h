#pragma once

#include "services/fs/file.h"

namespace asterix::services {

/// An open /proc/PID/pagemap: one 8-byte entry per virtual page of the process (proc(5)),
/// with the page frame number only when `shows_pfn` (the opener had CAP_SYS_ADMIN).
Ref<File> open_pagemap(Ref<Dentry> dentry, u32 flags, i32 pid, bool shows_pfn);

} // namespace asterix::services
