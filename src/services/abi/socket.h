#pragma once

// Linux's socket ABI (uapi linux/socket.h, linux/net.h, asm-generic/socket.h and the parts of
// glibc's bits/socket.h that the kernel defines): address families, socket types and flags,
// message flags, SOL_SOCKET options, control messages and the message headers of
// sendmsg/recvmsg/sendmmsg/recvmmsg.

#include "frame/types.h"

namespace asterix::services::abi {

// Address families (AF_MAX bounds the table).
inline constexpr int af_unspec = 0;
inline constexpr int af_unix = 1;
inline constexpr int af_inet = 2;
inline constexpr int af_inet6 = 10;
inline constexpr int af_netlink = 16;
inline constexpr int af_max = 46;

// Socket types; the high bits of socket(2)'s type carry SOCK_NONBLOCK and SOCK_CLOEXEC.
inline constexpr int sock_stream = 1;
inline constexpr int sock_dgram = 2;
inline constexpr int sock_raw = 3;
inline constexpr int sock_rdm = 4;
inline constexpr int sock_seqpacket = 5;
inline constexpr int sock_dccp = 6;
inline constexpr int sock_packet = 10;
/// SOCK_MAX: types at or above it are EINVAL before any family sees them.
inline constexpr int sock_max = 11;
inline constexpr int sock_type_mask = 0xf;
inline constexpr int sock_nonblock = 04000;
inline constexpr int sock_cloexec = 02000000;

// shutdown(2).
inline constexpr int shut_rd = 0;
inline constexpr int shut_wr = 1;
inline constexpr int shut_rdwr = 2;

// Message flags of send/recv and msg_flags.
inline constexpr int msg_oob = 0x1;
inline constexpr int msg_peek = 0x2;
inline constexpr int msg_dontroute = 0x4;
inline constexpr int msg_ctrunc = 0x8;
inline constexpr int msg_trunc = 0x20;
inline constexpr int msg_dontwait = 0x40;
inline constexpr int msg_eor = 0x80;
inline constexpr int msg_waitall = 0x100;
inline constexpr int msg_nosignal = 0x4000;
inline constexpr int msg_more = 0x8000;
inline constexpr int msg_waitforone = 0x10000;
inline constexpr int msg_cmsg_cloexec = 0x40000000;

inline constexpr int sol_socket = 1;

// SOL_SOCKET options.
inline constexpr int so_debug = 1;
inline constexpr int so_reuseaddr = 2;
inline constexpr int so_type = 3;
inline constexpr int so_error = 4;
inline constexpr int so_dontroute = 5;
inline constexpr int so_broadcast = 6;
inline constexpr int so_sndbuf = 7;
inline constexpr int so_rcvbuf = 8;
inline constexpr int so_keepalive = 9;
inline constexpr int so_oobinline = 10;
inline constexpr int so_linger = 13;
inline constexpr int so_reuseport = 15;
inline constexpr int so_passcred = 16;
inline constexpr int so_peercred = 17;
inline constexpr int so_rcvlowat = 18;
inline constexpr int so_sndlowat = 19;
inline constexpr int so_rcvtimeo = 20;
inline constexpr int so_sndtimeo = 21;
inline constexpr int so_acceptconn = 30;
inline constexpr int so_sndbufforce = 32;
inline constexpr int so_rcvbufforce = 33;
inline constexpr int so_protocol = 38;
inline constexpr int so_domain = 39;

// Control message types at SOL_SOCKET.
inline constexpr int scm_rights = 1;
inline constexpr int scm_credentials = 2;
/// SCM_MAX_FD: the most descriptors one message carries.
inline constexpr int scm_max_fd = 253;

/// net.core.wmem_default / rmem_default and the *_max caps setsockopt(SO_SNDBUF) applies.
inline constexpr u32 wmem_default = 212992;
inline constexpr u32 wmem_max = 212992;
inline constexpr u32 rmem_default = 212992;
inline constexpr u32 rmem_max = 212992;
/// SOCK_MIN_RCVBUF and SOCK_MIN_SNDBUF on x86-64 (2048 plus an aligned struct sk_buff).
inline constexpr u32 sock_min_rcvbuf = 2304;
inline constexpr u32 sock_min_sndbuf = 2 * sock_min_rcvbuf;
/// net.core.somaxconn: listen(2)'s backlog is capped to it.
inline constexpr u32 somaxconn = 4096;
/// sizeof(struct sockaddr_storage): the longest address a call copies in.
inline constexpr u32 sockaddr_storage_bytes = 128;

struct MsgHdr {
    u64 name;
    u32 namelen;
    u32 pad0;
    u64 iov;
    u64 iovlen;
    u64 control;
    u64 controllen;
    i32 flags;
    u32 pad1;
};

struct MMsgHdr {
    MsgHdr hdr;
    u32 len;
    u32 pad;
};

struct CmsgHdr {
    u64 len;
    i32 level;
    i32 type;
};

/// CMSG_ALIGN: control messages are laid out on 8-byte boundaries.
constexpr u64 cmsg_align(u64 len) { return (len + 7) & ~u64 {7}; }
constexpr u64 cmsg_len(u64 data_len) { return sizeof(CmsgHdr) + data_len; }
constexpr u64 cmsg_space(u64 data_len) { return sizeof(CmsgHdr) + cmsg_align(data_len); }

/// struct ucred (SCM_CREDENTIALS, SO_PEERCRED).
struct UCred {
    i32 pid;
    u32 uid;
    u32 gid;
};

struct Linger {
    i32 onoff;
    i32 linger;
};

} // namespace asterix::services::abi
