#pragma once

// Terminal ioctl requests and termios bits of Linux x86-64 (uapi asm-generic/ioctls.h and
// asm-generic/termbits.h). The struct itself is the frame's console::Termios.

#include "frame/types.h"
#include "services/abi/ioctls.h"

namespace asterix::services::abi {

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
inline constexpr u32 b38400 = 0000017;
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

/// N_TTY_BUF_SIZE: the line discipline's input buffer.
inline constexpr usize n_tty_buf_size = 4096;

} // namespace asterix::services::abi
