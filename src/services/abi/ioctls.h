#pragma once

// Linux's ioctl request numbers (uapi asm-generic/ioctls.h): terminals and generic files.

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr u32 tcgets = 0x5401;
inline constexpr u32 tcsets = 0x5402;
inline constexpr u32 tcsetsw = 0x5403;
inline constexpr u32 tcsetsf = 0x5404;
inline constexpr u32 tiocsctty = 0x540e;
inline constexpr u32 tiocgpgrp = 0x540f;
inline constexpr u32 tiocspgrp = 0x5410;
inline constexpr u32 tiocoutq = 0x5411;
inline constexpr u32 tiocgwinsz = 0x5413;
inline constexpr u32 tiocswinsz = 0x5414;
inline constexpr u32 fionread = 0x541b;
inline constexpr u32 fionbio = 0x5421;
// Socket ioctls about network interfaces (<linux/sockios.h>), with struct ifreq (40 bytes).
inline constexpr u32 siocgifname = 0x8910;
inline constexpr u32 siocgifconf = 0x8912;
inline constexpr u32 siocgifflags = 0x8913;
inline constexpr u32 siocgifaddr = 0x8915;
inline constexpr u32 siocgifbrdaddr = 0x8919;
inline constexpr u32 siocgifnetmask = 0x891b;
inline constexpr u32 siocgifmtu = 0x8921;
inline constexpr u32 siocgifhwaddr = 0x8927;
inline constexpr u32 siocgifindex = 0x8933;
inline constexpr u32 siocgiftxqlen = 0x8942;
inline constexpr u32 ifreq_bytes = 40;
inline constexpr u32 ifnamsiz = 16;
/// sizeof(struct ifconf): the length, padding, then the buffer's address.
inline constexpr u32 ifconf_bytes = 16;
inline constexpr u32 tiocnotty = 0x5422;
inline constexpr u32 tiocgsid = 0x5429;
// Pseudo-terminal masters (uapi asm-generic/ioctls.h); TIOCGPTPEER's argument is open flags.
inline constexpr u32 tiocpkt = 0x5420;
inline constexpr u32 tiocgptn = 0x80045430;
inline constexpr u32 tiocsptlck = 0x40045431;
inline constexpr u32 tiocgpkt = 0x80045438;
inline constexpr u32 tiocgptlck = 0x80045439;
inline constexpr u32 tiocgptpeer = 0x5441;
// The first byte of each packet-mode read (tty_ioctl(4)): 0 before data.
inline constexpr u8 tiocpkt_data = 0;
inline constexpr u32 fionclex = 0x5450;
inline constexpr u32 fioclex = 0x5451;
inline constexpr u32 fioasync = 0x5452;

} // namespace asterix::services::abi
