#pragma once

#include <deque>

#include "services/net/socket.h"

namespace asterix::services {

/// A NETLINK_ROUTE socket (rtnetlink(7)) that answers the dumps getifaddrs(3) and ip(8) ask
/// for: RTM_GETLINK and RTM_GETADDR, describing the loopback interface (127.0.0.1/8 and ::1),
/// and RTM_GETROUTE, the stack's routes.
/// Other requests get an NLMSG_ERROR with EOPNOTSUPP.
class NetlinkSocket final : public Socket {
public:
    NetlinkSocket(int type, u32 status_flags);

    Result<void> bind(Context& ctx, std::span<const u8> address) override;
    Result<void> connect(Context& ctx, std::span<const u8> address) override;
    Result<std::vector<u8>> local_address() override;
    Result<std::vector<u8>> peer_address() override;
    Result<usize> send(Context& ctx, SendMessage& message) override;
    Result<usize> receive(Context& ctx, ReceiveMessage& message) override;
    Result<int> bytes_ready() override;
    u32 poll_events() override;

    /// Queues `datagram` as though the kernel had sent it unasked, as mq_notify's SIGEV_THREAD
    /// sends its cookie (ipc/mqueue.c, netlink_sendskb): the next recv reads it whole.
    void deliver(std::vector<u8> datagram);

protected:
    Result<void> set_family_option(int level, int name, std::span<const u8> value) override;
    Result<std::vector<u8>> get_family_option(int level, int name) override;

private:
    void answer(std::span<const u8> request);
    void put_error(std::vector<u8>& out, std::span<const u8> header, u32 seq, Errno error);
    void queue_reply(std::vector<u8> reply);
    u32 port_id();

    u32 m_port_id {0};
    /// The SOL_NETLINK flags set (1 << option).
    u32 m_flags {0};
    std::deque<std::vector<u8>> m_replies;
    /// Bytes of all queued replies and datagrams.
    usize m_queued_bytes {0};
    frame::WaitQueue m_changed;
};

Result<Ref<Socket>> create_netlink_socket(int type, int protocol, u32 status_flags);

/// The netlink socket `file` is, as Linux's netlink_getsockbyfilp finds it: ENOTSOCK for a file
/// that is no socket, EINVAL for a socket of another family.
Result<Ref<NetlinkSocket>> netlink_socket_of(File& file);

} // namespace asterix::services
