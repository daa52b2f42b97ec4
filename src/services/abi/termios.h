#pragma once

// Terminal ioctl requests and termios bits of Linux x86-64 (uapi asm-generic/ioctls.h and
// asm-generic/termbits.h). The struct itself is the frame's console::Termios.

#include "frame/types.h"

namespace asterix::services::abi {

// ioctl requests on terminals (asm-generic/ioctls.h).
inline constexpr u32 tcgets = 0x5401;
inline constexpr u32 tcsets = 0x5402;
inline constexpr u32 tcsetsw = 0x5403;
inline constexpr u32 tcsetsf = 0x5404;
inline constexpr u32 tiocsctty = 0x540e;
inline constexpr u32 tiocgpgrp = 0x540f;
inline constexpr u32 tiocspgrp = 0x5410;
inline constexpr u32 tiocgwinsz = 0x5413;
inline constexpr u32 tiocswinsz = 0x5414;
inline constexpr u32 tiocnotty = 0x5422;
inline constexpr u32 tiocgsid = 0x5429;

// c_iflag bits.
inline constexpr u32 istrip = 0000040;
inline constexpr u32 inlcr = 0000100;
inline constexpr u32 igncr = 0000200;
inline constexpr u32 icrnl = 0000400;
inline constexpr u32 ixon = 0002000;
inline constexpr u32 ixany = 0004000;
inline constexpr u32 iutf8 = 0040000;

// c_oflag bits.
inline constexpr u32 opost = 0000001;
inline constexpr u32 onlcr = 0000004;
inline constexpr u32 ocrnl = 0000010;

// c_cflag bits.
inline constexpr u32 b115200 = 0010002;
inline constexpr u32 cs8 = 0000060;
inline constexpr u32 cread = 0000200;
inline constexpr u32 clocal = 0004000;

// c_lflag bits.
inline constexpr u32 isig = 0000001;
inline constexpr u32 icanon = 0000002;
inline constexpr u32 echo = 0000010;
inline constexpr u32 echoe = 0000020;
inline constexpr u32 echok = 0000040;
inline constexpr u32 echonl = 0000100;
inline constexpr u32 noflsh = 0000200;
inline constexpr u32 tostop = 0000400;
inline constexpr u32 echoctl = 0001000;
inline constexpr u32 echoke = 0004000;
inline constexpr u32 iexten = 0100000;

// c_cc indexes.
enum : int {
    vintr,
    vquit,
    verase,
    vkill,
    veof,
    vtime,
    vmin,
    vswtc,
    vstart,
    vstop,
    vsusp,
    veol,
    vreprint,
    vdiscard,
    vwerase,
    vlnext,
    veol2,
};

} // namespace asterix::services::abi
