// The socket ABI headers (services/abi/socket.h, un.h) checked against the host's C library.

#include <doctest/doctest.h>

#include <cstddef>
#include <sys/socket.h>
#include <sys/un.h>

#include "services/abi/socket.h"
#include "services/abi/un.h"

namespace abi = asterix::services::abi;

static_assert(abi::af_unspec == AF_UNSPEC && abi::af_unix == AF_UNIX && abi::af_inet == AF_INET);
static_assert(abi::af_inet6 == AF_INET6 && abi::af_netlink == AF_NETLINK && abi::af_max == AF_MAX);
static_assert(abi::sock_stream == SOCK_STREAM && abi::sock_dgram == SOCK_DGRAM && abi::sock_raw == SOCK_RAW);
static_assert(abi::sock_rdm == SOCK_RDM && abi::sock_seqpacket == SOCK_SEQPACKET && abi::sock_packet == SOCK_PACKET);
static_assert(abi::sock_nonblock == SOCK_NONBLOCK && abi::sock_cloexec == SOCK_CLOEXEC);
static_assert(abi::shut_rd == SHUT_RD && abi::shut_wr == SHUT_WR && abi::shut_rdwr == SHUT_RDWR);
static_assert(abi::msg_oob == MSG_OOB && abi::msg_peek == MSG_PEEK && abi::msg_ctrunc == MSG_CTRUNC);
static_assert(abi::msg_trunc == MSG_TRUNC && abi::msg_dontwait == MSG_DONTWAIT && abi::msg_eor == MSG_EOR);
static_assert(abi::msg_waitall == MSG_WAITALL && abi::msg_nosignal == MSG_NOSIGNAL && abi::msg_more == MSG_MORE);
static_assert(abi::msg_waitforone == MSG_WAITFORONE && abi::msg_cmsg_cloexec == MSG_CMSG_CLOEXEC);
static_assert(abi::sol_socket == SOL_SOCKET && abi::so_reuseaddr == SO_REUSEADDR && abi::so_type == SO_TYPE);
static_assert(abi::so_error == SO_ERROR && abi::so_sndbuf == SO_SNDBUF && abi::so_rcvbuf == SO_RCVBUF);
static_assert(abi::so_keepalive == SO_KEEPALIVE && abi::so_linger == SO_LINGER && abi::so_reuseport == SO_REUSEPORT);
static_assert(abi::so_passcred == SO_PASSCRED && abi::so_peercred == SO_PEERCRED && abi::so_broadcast == SO_BROADCAST);
static_assert(abi::so_rcvtimeo == SO_RCVTIMEO && abi::so_sndtimeo == SO_SNDTIMEO && abi::so_acceptconn == SO_ACCEPTCONN);
static_assert(abi::so_protocol == SO_PROTOCOL && abi::so_domain == SO_DOMAIN && abi::so_rcvlowat == SO_RCVLOWAT);
static_assert(abi::so_sndbufforce == SO_SNDBUFFORCE && abi::so_rcvbufforce == SO_RCVBUFFORCE);
static_assert(abi::scm_rights == SCM_RIGHTS && abi::scm_credentials == SCM_CREDENTIALS);
static_assert(abi::sockaddr_storage_bytes == sizeof(sockaddr_storage));

static_assert(sizeof(abi::MsgHdr) == sizeof(msghdr) && offsetof(abi::MsgHdr, namelen) == offsetof(msghdr, msg_namelen));
static_assert(offsetof(abi::MsgHdr, iov) == offsetof(msghdr, msg_iov) && offsetof(abi::MsgHdr, iovlen) == offsetof(msghdr, msg_iovlen));
static_assert(offsetof(abi::MsgHdr, control) == offsetof(msghdr, msg_control));
static_assert(offsetof(abi::MsgHdr, controllen) == offsetof(msghdr, msg_controllen));
static_assert(offsetof(abi::MsgHdr, flags) == offsetof(msghdr, msg_flags));
static_assert(sizeof(abi::MMsgHdr) == sizeof(mmsghdr) && offsetof(abi::MMsgHdr, len) == offsetof(mmsghdr, msg_len));
static_assert(sizeof(abi::CmsgHdr) == sizeof(cmsghdr) && sizeof(abi::UCred) == sizeof(ucred));
static_assert(sizeof(abi::Linger) == sizeof(linger));
static_assert(sizeof(abi::SockAddrUn) == sizeof(sockaddr_un) && abi::sun_path_offset == offsetof(sockaddr_un, sun_path));
static_assert(abi::unix_path_max == sizeof(sockaddr_un::sun_path));

TEST_CASE("cmsg lengths follow CMSG_LEN and CMSG_SPACE")
{
    CHECK(abi::cmsg_len(4) == CMSG_LEN(4));
    CHECK(abi::cmsg_space(4) == CMSG_SPACE(4));
    CHECK(abi::cmsg_space(sizeof(ucred)) == CMSG_SPACE(sizeof(ucred)));
    CHECK(abi::cmsg_align(13) == 16);
}
