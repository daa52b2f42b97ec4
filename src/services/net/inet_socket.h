#pragma once

#include "services/abi/in.h"
#include "services/net/inet_stack.h"
#include "services/net/socket.h"

namespace asterix::services {

/// An AF_INET or AF_INET6 socket (ip(7), ipv6(7), tcp(7), udp(7)) over the TCP/IP stack behind
/// inet_stack.h. The socket keeps Linux's semantics (address checks, blocking, errors, signals,
/// options); the stack keeps the protocol state and the received bytes.
class InetSocket final : public Socket {
public:
    InetSocket(int domain, int type, int protocol, u32 status_flags);
    /// A connection accepted from a listener.
    InetSocket(int domain, int protocol, Ref<inet::TcpConnection> accepted, u32 status_flags);
    ~InetSocket() override;

    Result<void> bind(Context& ctx, std::span<const u8> address) override;
    Result<void> listen(int backlog) override;
    Result<Ref<Socket>> accept(u32 status_flags) override;
    Result<void> connect(Context& ctx, std::span<const u8> address) override;
    Result<void> shutdown(int how) override;
    Result<std::vector<u8>> local_address() override;
    Result<std::vector<u8>> peer_address() override;
    Result<usize> send(Context& ctx, SendMessage& message) override;
    Result<usize> receive(Context& ctx, ReceiveMessage& message) override;
    Result<int> bytes_ready() override;
    u32 poll_events() override;

protected:
    Result<void> set_family_option(int level, int name, std::span<const u8> value) override;
    Result<std::vector<u8>> get_family_option(int level, int name) override;
    bool is_listening() const override { return m_state == State::listening; }
    int take_error() override;
    void options_changed() override;

private:
    enum class State : u8 { fresh, connecting, connected, listening };
    /// What the address is used for: the checks differ (bind(2) and connect(2) in ip(7)).
    enum class AddressUse : u8 { bind, connect };

    bool is_stream() const { return type() == abi::sock_stream; }
    /// A ping socket (SOCK_DGRAM with IPPROTO_ICMP or IPPROTO_ICMPV6): datagrams are ICMP echo
    /// requests and replies, and the "port" is the echo identifier.
    bool is_ping() const { return protocol() == abi::ipproto_icmp || protocol() == abi::ipproto_icmpv6; }
    inet::Family stack_family() const;
    Result<inet::Endpoint> parse_address(std::span<const u8> address, AddressUse use) const;
    std::vector<u8> encode_address(const inet::Endpoint& endpoint) const;
    Result<void> ensure_tcp();
    /// Gives the stack's connection the socket's keepalive settings.
    void apply_keepalive();
    /// getsockopt(TCP_INFO): struct tcp_info's leading fields.
    std::vector<u8> tcp_info_bytes() const;
    Result<void> ensure_udp();
    Result<void> connect_stream(const inet::Endpoint& remote);
    Result<usize> send_stream(Context& ctx, SendMessage& message);
    Result<usize> send_datagram(Context& ctx, SendMessage& message);
    Result<usize> receive_stream(ReceiveMessage& message);
    Result<usize> receive_datagram(ReceiveMessage& message);
    /// EPIPE, with SIGPIPE unless MSG_NOSIGNAL.
    Errno broken_pipe(Context& ctx, int flags);
    /// The boolean options that ask for ancillary data or errors (IP_RECVERR, IP_RECVTTL,
    /// IPV6_RECVERR, IPV6_RECVHOPLIMIT): kept and read back, but nothing comes of them yet.
    // FIXME: no IP_TTL/IPV6_HOPLIMIT control messages and no error queue (MSG_ERRQUEUE); on
    // loopback no ICMP error arrives to fill one.
    void set_flag(int level, int name, bool is_on)
    {
        u64 bit = flag_bit(level, name);
        m_flags = is_on ? (m_flags | bit) : (m_flags & ~bit);
    }
    bool has_flag(int level, int name) const { return m_flags & flag_bit(level, name); }
    static u64 flag_bit(int level, int name) { return u64 {1} << ((level == abi::ipproto_ipv6 ? 32 : 0) + (name & 31)); }

    State m_state {State::fresh};
    Ref<inet::TcpConnection> m_tcp;
    Ref<inet::UdpPort> m_udp;
    bool m_is_v6only {false};
    bool m_is_read_shut {false};
    bool m_is_write_shut {false};
    bool m_is_nodelay {false};
    bool m_is_udp_connected {false};
    /// TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT (Linux's defaults: net.ipv4.tcp_keepalive_*).
    u32 m_keep_idle_s {7200};
    u32 m_keep_interval_s {75};
    u32 m_keep_count {9};
    u64 m_flags {0};
    int m_ttl {64};
    int m_tos {0};
};

Result<Ref<Socket>> create_inet_socket(int type, int protocol, u32 status_flags);
Result<Ref<Socket>> create_inet6_socket(int type, int protocol, u32 status_flags);

} // namespace asterix::services
