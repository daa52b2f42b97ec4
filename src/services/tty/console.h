#pragma once

#include "frame/ref.h"
#include "frame/result.h"
#include "services/fs/file.h"

namespace asterix::services {

/// Chooses, once at boot, what each console stream asterix was given is to the guest: a host
/// pipe or file (a HostStreamFile), a host terminal (a Tty with the pass-through driver) or the
/// raw line of bare metal (a Tty with the serial driver and the services' line discipline).
/// The first terminal becomes the controlling terminal of `session`, the first process, whose
/// group is the foreground. Also installs the frame's console hooks.
void init_console(i32 session);

/// The file for console stream 0, 1 or 2, as the first process's fd of that number; null when
/// asterix was started without the stream.
Ref<File> open_console_stream(int stream);

/// /dev/tty and /dev/console: the console terminal; ENXIO when no stream is a terminal.
Result<Ref<File>> open_console_terminal(u32 status_flags);

} // namespace asterix::services
