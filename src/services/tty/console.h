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

/// /dev/console: the console terminal; ENXIO when no stream is a terminal.
Result<Ref<File>> open_console_terminal(u32 status_flags);

/// The name the hosted console's terminal goes by. Linux gives its first program its standard
/// streams on /dev/console (major 5, minor 1: the console's own number, which no pty, serial
/// line or virtual terminal ever takes), and a terminal the host lent asterix is this instance's
/// console, so `tty`, ps's TTY column and /proc/PID/fd all say "console". The host's own name
/// for it (often /dev/pts/N) would collide with the guest's devpts.
inline constexpr const char* console_device_path = "/dev/console";
inline constexpr u32 console_device_major = 5;
inline constexpr u32 console_device_minor = 1;

/// Devfs hands over the node it made for /dev/console, once: the hosted console's terminal
/// then stats as that node, so fstat on it and stat("/dev/console") agree (what ttyname
/// checks).
void set_console_device_node(Ref<Inode> node);
/// What the hosted console's terminal stats as: the /dev/console node, with the times of the
/// host terminal `host` (its last input and output, which `w` shows as idle time).
frame::FileStat console_device_stat(const frame::FileStat& host);

} // namespace asterix::services
