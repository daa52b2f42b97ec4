#pragma once

#include <array>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "frame/ref.h"
#include "frame/result.h"
#include "frame/task.h"
#include "frame/types.h"
#include "services/kernel_memory.h"

// The TCP/IP stack as the socket layer sees it. The stack (lwIP) is C working on raw buffers,
// so it lives outside the services, in src/net_lwip/, behind this interface: the services hand
// it spans and endpoints and read back state and bytes that the stack has copied into buffers
// the services own. Every call returns after the stack has delivered what it could (loopback
// packets included), so state is current when a call returns.
namespace asterix::services::inet {

/// An IPv4 or IPv6 address with a port, as the stack sees it. The socket layer maps IPv4
/// addresses into ::ffff:0:0/96 and back for AF_INET6 sockets.
struct Endpoint {
    bool is_v6 {false};
    /// Network byte order; an IPv4 address fills the first four bytes.
    std::array<u8, 16> address {};
    /// Host byte order.
    u16 port {0};

    bool is_any() const
    {
        for (usize i = 0; i < (is_v6 ? 16u : 4u); ++i) {
            if (address[i])
                return false;
        }
        return true;
    }
};

/// What kind of addresses a stack endpoint takes: an AF_INET6 socket without IPV6_V6ONLY takes
/// both (IPv4 peers appear as mapped addresses).
enum class Family : u8 { v4, v6, dual };

/// What getsockopt(TCP_INFO) reports of a connection (the leading fields of Linux's struct
/// tcp_info that the stack knows), in Linux's units: microseconds, segments.
struct TcpInfo {
    /// Linux's TCP state number (TCP_ESTABLISHED = 1 ... TCP_LISTEN = 10, TCP_CLOSE = 7).
    u8 state {7};
    u8 retransmits {0};
    u32 rto_us {0};
    u32 snd_mss_bytes {0};
    u32 rcv_mss_bytes {0};
    /// Segments sent and not acknowledged; for a listener, connections waiting for accept.
    u32 unacked {0};
    /// For a listener, its backlog (Linux reuses the field so).
    u32 sacked {0};
    u32 rtt_us {0};
    u32 rttvar_us {0};
    u32 snd_ssthresh_segments {0};
    u32 snd_cwnd_segments {0};
    u32 advmss_bytes {0};
    u32 reordering {0};
    u32 rcv_space_bytes {0};

    /// What tcp_get_info says of a socket with no connection: the initial timeout, the default
    /// MSS and window, an unbounded slow-start threshold.
    static TcpInfo of_closed_socket()
    {
        TcpInfo info;
        info.rto_us = 1'000'000;
        info.snd_mss_bytes = 536;
        info.rttvar_us = 250'000;
        info.snd_ssthresh_segments = 0x7fff'ffff;
        info.snd_cwnd_segments = 10;
        info.reordering = 3;
        return info;
    }
};

/// The stack's half of a TCP socket. The stack keeps the public state current and wakes
/// `changed` (and pollers) whenever it changes.
class TcpConnection : public RefCounted<TcpConnection> {
public:
    virtual ~TcpConnection() = default;

    /// Bytes received and not yet read by the guest; the stack's receive window shrinks by
    /// them until consume() gives the room back. They are charged to the instance's kernel
    /// memory: added only by queue_received, taken only by take_received.
    std::deque<u8> received;
    bool is_connecting {false};
    bool is_connected {false};
    /// The peer sent FIN: reads drain `received` and then see end of file.
    bool is_peer_closed {false};
    /// The connection is gone (reset, refused or timed out); `error` says why until taken.
    bool is_dead {false};
    int error {0};
    /// Listening: connections that completed and wait for accept(2).
    std::deque<Ref<TcpConnection>> accept_queue;
    frame::WaitQueue changed;

    virtual Result<void> bind(const Endpoint& local, bool is_reusing_address) = 0;
    virtual bool is_bound() const = 0;
    virtual Result<void> listen(u32 backlog) = 0;
    /// Starts the handshake; completion shows in is_connected or error.
    virtual Result<void> connect(const Endpoint& remote) = 0;
    /// Bytes send() takes without waiting.
    virtual usize send_room() const = 0;
    /// Queues as much of `bytes` as there is room for and sends it.
    virtual Result<usize> send(std::span<const u8> bytes, bool has_more) = 0;
    /// The guest took `bytes` out of `received`: the window opens again.
    virtual void consume(usize bytes) = 0;
    /// An accepted connection left the listener's queue (the backlog has room again).
    virtual void accepted() = 0;
    virtual void shutdown_write() = 0;
    /// The socket is closed: a graceful close, or a reset when unread data remains (as Linux).
    virtual void close() = 0;
    /// The socket is closed with SO_LINGER's zero timeout: the connection is reset.
    virtual void reset() = 0;
    virtual Endpoint local() const = 0;
    virtual Endpoint peer() const = 0;
    virtual void set_nodelay(bool is_on) = 0;
    virtual bool is_nodelay() const = 0;
    virtual void set_keepalive(bool is_on) = 0;
    /// When keepalive probes go (TCP_KEEPIDLE, TCP_KEEPINTVL) and how many unanswered ones end
    /// the connection (TCP_KEEPCNT).
    virtual void set_keepalive_timing(u32 idle_s, u32 interval_s, u32 count) = 0;
    virtual TcpInfo info() const = 0;

    /// Appends bytes the stack received, charged to the instance's kernel memory; false (and
    /// nothing taken) when the bound has no room for them. The stack then keeps them and
    /// offers them again later, without opening its window, as Linux's TCP holds back
    /// segments under memory pressure: the sender waits, nothing is lost.
    bool queue_received(std::span<const u8> bytes);
    /// The guest read `bytes` off the front of `received`: their charge goes back.
    void take_received(usize bytes);

private:
    KernelCharge m_received_charge;
};

/// One received datagram and its sender.
struct Datagram {
    std::vector<u8> bytes;
    Endpoint from;
};

/// The stack's half of a UDP socket, or of a ping socket (create_ping): the same datagram
/// shape, where a ping socket's "port" is the identifier of its ICMP echo requests.
class UdpPort : public RefCounted<UdpPort> {
public:
    virtual ~UdpPort() = default;

    /// Datagrams received and not yet read, their payload bytes, and the bound on what the
    /// queue costs (SO_RCVBUF). Added only by queue_received, taken only by take_received.
    std::deque<Datagram> received;
    usize received_bytes {0};
    usize receive_limit_bytes {0};
    frame::WaitQueue changed;

    /// Queues a received datagram for the guest, or drops it (false) as Linux's
    /// __udp_enqueue_schedule_skb does: when the queue already costs SO_RCVBUF or more, or
    /// when the instance's kernel memory has no room for it. A datagram costs its bytes and
    /// an sk_buff's worth, so empty ones are bounded too.
    bool queue_received(Datagram datagram);
    /// The guest read the first datagram: it leaves the queue and its charge goes back.
    void take_received();

    virtual Result<void> bind(const Endpoint& local, bool is_reusing_address) = 0;
    virtual bool is_bound() const = 0;
    virtual Result<void> connect(const Endpoint& remote) = 0;
    virtual void disconnect() = 0;
    /// Sends one datagram to `to`, or to the connected peer when `to` is null.
    virtual Result<usize> send(std::span<const u8> bytes, const Endpoint* to) = 0;
    virtual void close() = 0;
    virtual Endpoint local() const = 0;
    virtual Endpoint peer() const = 0;

private:
    /// What the queued datagrams cost (bytes and overhead), charged to kernel memory.
    KernelCharge m_received_charge;
};

/// One protocol endpoint as /proc/net/{tcp,udp}[6] list it.
struct EndpointEntry {
    Endpoint local;
    Endpoint remote;
    /// Linux's TCP state numbers (TCP_ESTABLISHED = 1 ... TCP_LISTEN = 10); 7 (TCP_CLOSE) for UDP.
    u8 state {7};
    u32 send_queue_bytes {0};
    u32 receive_queue_bytes {0};
};

/// One route of the stack's, as rtnetlink describes routes: the unicast ones (main table), and
/// for each address the local and broadcast ones (local table) that Linux makes.
struct Route {
    enum class Kind : u8 { unicast, local, broadcast };
    Kind kind {Kind::unicast};
    bool is_v6 {false};
    /// Network byte order; IPv4 fills the first four bytes.
    std::array<u8, 16> destination {};
    u8 prefix_bits {0};
    bool has_gateway {false};
    std::array<u8, 16> gateway {};
    /// The preferred source address (IPv4 only, as Linux reports it).
    bool has_source {false};
    std::array<u8, 16> source {};
    /// The interface (1 is the loopback).
    u32 interface_index {0};
    /// Made for an address the interface has (Linux's "proto kernel"), not configured.
    bool is_from_address {true};
};

/// One network interface as Linux describes it to netlink's link and address dumps, the
/// SIOCGIF* ioctls and /proc/net/dev.
struct Interface {
    /// 1 is the loopback; the device's interface follows.
    u32 index {0};
    /// Linux's name: "lo", or "eth0" for the device, as a QEMU or slirp guest names it.
    std::string name;
    bool is_loopback {false};
    bool is_up {false};
    std::array<u8, 6> hardware_address {};
    u32 mtu_bytes {0};
    /// The IPv4 address and its network, network byte order; none when prefix_bits is 0.
    std::array<u8, 4> v4_address {};
    u8 v4_prefix_bits {0};
    /// The IPv6 addresses with their prefix lengths.
    std::vector<std::pair<std::array<u8, 16>, u8>> v6_addresses;
};

/// The NAT's DNS forwarder (10.0.2.3 in slirp's numbering) when the instance has the network
/// device; none with loopback only.
std::optional<std::array<u8, 4>> nat_dns_address();

/// The stack's interfaces in index order.
std::vector<Interface> list_interfaces();

/// The stack's routes, IPv4 first.
std::vector<Route> list_routes();

/// Every TCP or UDP endpoint the stack has, of one address kind (IPv6 includes dual ones).
std::vector<EndpointEntry> list_tcp(bool is_v6);
std::vector<EndpointEntry> list_udp(bool is_v6);

Result<Ref<TcpConnection>> create_tcp(Family family);
Result<Ref<UdpPort>> create_udp(Family family);
/// A ping socket (icmp(7), "ping sockets"): send() takes an ICMP echo request (header and
/// payload; type 8 over IPv4, 128 over IPv6, code 0, else EINVAL) whose identifier and checksum
/// the stack fills in, and `received` gets the echo replies that carry the socket's identifier,
/// headers included, from port 0. `family` is v4 or v6 (a ping socket is never dual).
Result<Ref<UdpPort>> create_ping(Family family);
/// Whether `local` may be bound here (an address of one of the interfaces, or any).
bool is_local_address(const Endpoint& local);

} // namespace asterix::services::inet
