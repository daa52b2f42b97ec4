#include "services/net/inet_socket.h"

#include <algorithm>
#include <array>

#include "frame/bytes.h"
#include "services/abi/in.h"
#include "services/abi/poll.h"
#include "services/net/ping_group_range.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/context.h"

namespace asterix::services {

namespace {

/// The most bytes one receive copies out of the stream buffer at a time.
constexpr usize receive_chunk_bytes = 64 * 1024;

template<typename T>
std::vector<u8> bytes_of(const T& value)
{
    auto bytes = object_bytes(value);
    return std::vector<u8>(bytes.begin(), bytes.end());
}

Result<int> int_value(std::span<const u8> value)
{
    // Linux takes a shorter int option as 0 only for a few options; sizeof(int) is the rule.
    if (value.size() < sizeof(int))
        return Errno::einval;
    return MUST(load_from_bytes<int>(value, 0));
}

bool is_v4_mapped(const std::array<u8, 16>& address)
{
    for (usize i = 0; i < 10; ++i) {
        if (address[i])
            return false;
    }
    return address[10] == 0xff && address[11] == 0xff;
}

/// Whether `name` at `level` is one of the multicast options. The stack is built without IGMP
/// and MLD (lwIP's LWIP_IGMP and LWIP_IPV6_MLD are off), so no socket joins a group or sends to
/// one with its own settings: every such option is ENOPROTOOPT, as a kernel without multicast
/// support says, and programs that try multicast see it as unsupported at once.
bool is_multicast_option(int level, int name)
{
    if (level == abi::ipproto_ip)
        return (name >= abi::ip_multicast_if && name <= abi::ip_drop_source_membership)
            || (name >= abi::mcast_join_group && name <= abi::mcast_msfilter) || name == abi::ip_multicast_all;
    if (level == abi::ipproto_ipv6)
        return (name >= abi::ipv6_multicast_if && name <= abi::ipv6_drop_membership)
            || (name >= abi::mcast_join_group && name <= abi::mcast_msfilter) || name == abi::ipv6_multicast_all;
    return false;
}

/// Joining or leaving a group, which Linux refuses on a connection-oriented socket (EPROTO).
bool is_membership_option(int level, int name)
{
    if (level == abi::ipproto_ip)
        return name == abi::ip_add_membership || name == abi::ip_drop_membership
            || (name >= abi::mcast_join_group && name < abi::mcast_msfilter);
    return level == abi::ipproto_ipv6
        && (name == abi::ipv6_add_membership || name == abi::ipv6_drop_membership || (name >= abi::mcast_join_group && name < abi::mcast_msfilter));
}

} // namespace

InetSocket::InetSocket(int domain, int type, int protocol, u32 status_flags) : Socket(domain, type, protocol, status_flags) {}

InetSocket::InetSocket(int domain, int protocol, Ref<inet::TcpConnection> accepted, u32 status_flags)
    : Socket(domain, abi::sock_stream, protocol, status_flags), m_state(State::connected), m_tcp(std::move(accepted))
{
    m_is_nodelay = m_tcp->is_nodelay();
}

InetSocket::~InetSocket()
{
    // SO_LINGER with a zero timeout closes by reset (tcp_close: "abort the connection").
    bool is_abortive = options().linger.onoff && options().linger.linger == 0;
    if (m_tcp && is_abortive)
        m_tcp->reset();
    else if (m_tcp)
        m_tcp->close();
    if (m_udp)
        m_udp->close();
    notify_readiness();
}

inet::Family InetSocket::stack_family() const
{
    if (domain() == abi::af_inet)
        return inet::Family::v4;
    return m_is_v6only ? inet::Family::v6 : inet::Family::dual;
}

Result<inet::Endpoint> InetSocket::parse_address(std::span<const u8> address, AddressUse use) const
{
    bool is_v6 = domain() == abi::af_inet6;
    if (address.size() < (is_v6 ? abi::sin6_len_rfc2133 : abi::sockaddr_in_bytes))
        return Errno::einval;
    u16 family = MUST(load_from_bytes<u16>(address, 0));
    if (family != domain()) {
        // inet_bind: AF_UNSPEC with INADDR_ANY is taken as AF_INET for old programs.
        bool is_unspec_any = !is_v6 && family == abi::af_unspec && use == AddressUse::bind
            && MUST(load_from_bytes<u32>(address, 4)) == 0;
        if (!is_unspec_any)
            return Errno::eafnosupport;
    }
    inet::Endpoint endpoint;
    endpoint.port = static_cast<u16>(address[2] << 8 | address[3]);
    if (!is_v6) {
        std::copy_n(address.begin() + 4, 4, endpoint.address.begin());
        return endpoint;
    }
    std::copy_n(address.begin() + 8, 16, endpoint.address.begin());
    if (is_v4_mapped(endpoint.address)) {
        // ipv6(7): a mapped address talks IPv4, which an IPV6_V6ONLY socket may not.
        if (m_is_v6only)
            return use == AddressUse::bind ? Errno::einval : Errno::enetunreach;
        std::array<u8, 16> v4 {};
        std::copy_n(endpoint.address.begin() + 12, 4, v4.begin());
        endpoint.address = v4;
        return endpoint;
    }
    endpoint.is_v6 = true;
    return endpoint;
}

std::vector<u8> InetSocket::encode_address(const inet::Endpoint& endpoint) const
{
    if (domain() == abi::af_inet) {
        std::vector<u8> out(abi::sockaddr_in_bytes, 0);
        out[0] = abi::af_inet;
        out[2] = static_cast<u8>(endpoint.port >> 8);
        out[3] = static_cast<u8>(endpoint.port);
        if (!endpoint.is_v6)
            std::copy_n(endpoint.address.begin(), 4, out.begin() + 4);
        return out;
    }
    std::vector<u8> out(abi::sockaddr_in6_bytes, 0);
    out[0] = abi::af_inet6;
    out[2] = static_cast<u8>(endpoint.port >> 8);
    out[3] = static_cast<u8>(endpoint.port);
    if (endpoint.is_v6) {
        std::copy_n(endpoint.address.begin(), 16, out.begin() + 8);
    } else if (!endpoint.is_any()) {
        // An IPv4 peer of a dual-stack socket shows as ::ffff:a.b.c.d.
        out[8 + 10] = 0xff;
        out[8 + 11] = 0xff;
        std::copy_n(endpoint.address.begin(), 4, out.begin() + 8 + 12);
    }
    return out;
}

Result<void> InetSocket::ensure_tcp()
{
    if (!m_tcp) {
        m_tcp = TRY(inet::create_tcp(stack_family()));
        m_tcp->set_nodelay(m_is_nodelay);
        apply_keepalive();
    }
    return {};
}

void InetSocket::apply_keepalive()
{
    if (!m_tcp)
        return;
    m_tcp->set_keepalive(options().is_keeping_alive);
    m_tcp->set_keepalive_timing(m_keep_idle_s, m_keep_interval_s, m_keep_count);
}

void InetSocket::options_changed()
{
    // SO_KEEPALIVE takes effect on a connection at once, as sock_setsockopt's
    // tcp_set_keepalive does; SO_RCVBUF bounds the datagrams queued from now on.
    apply_keepalive();
    if (m_udp)
        m_udp->receive_limit_bytes = options().receive_buffer_bytes;
}

std::vector<u8> InetSocket::tcp_info_bytes() const
{
    // A socket the stack has not seen yet is a closed one.
    inet::TcpInfo info = m_tcp ? m_tcp->info() : inet::TcpInfo::of_closed_socket();
    std::vector<u8> out(abi::tcp_info_bytes, 0);
    namespace at = abi::tcp_info_offset;
    out[at::state] = info.state;
    out[at::retransmits] = info.retransmits;
    auto put = [&out](usize offset, u32 value) {
        auto bytes = object_bytes(value);
        std::copy(bytes.begin(), bytes.end(), out.begin() + static_cast<long>(offset));
    };
    put(at::rto, info.rto_us);
    put(at::snd_mss, info.snd_mss_bytes);
    put(at::rcv_mss, info.rcv_mss_bytes);
    put(at::unacked, info.unacked);
    put(at::sacked, info.sacked);
    put(at::rtt, info.rtt_us);
    put(at::rttvar, info.rttvar_us);
    put(at::snd_ssthresh, info.snd_ssthresh_segments);
    put(at::snd_cwnd, info.snd_cwnd_segments);
    put(at::advmss, info.advmss_bytes);
    put(at::reordering, info.reordering);
    put(at::rcv_space, info.rcv_space_bytes);
    return out;
}

Result<void> InetSocket::ensure_udp()
{
    if (!m_udp && is_ping())
        m_udp = TRY(inet::create_ping(domain() == abi::af_inet ? inet::Family::v4 : inet::Family::v6));
    else if (!m_udp)
        m_udp = TRY(inet::create_udp(stack_family()));
    m_udp->receive_limit_bytes = options().receive_buffer_bytes;
    return {};
}

Result<void> InetSocket::bind(Context& ctx, std::span<const u8> address)
{
    auto local = TRY(parse_address(address, AddressUse::bind));
    if (is_stream()) {
        TRY(ensure_tcp());
        if (m_tcp->is_bound() || m_state != State::fresh)
            return Errno::einval;
        return m_tcp->bind(local, options().is_reusing_address);
    }
    TRY(ensure_udp());
    if (m_udp->is_bound())
        return Errno::einval;
    return m_udp->bind(local, options().is_reusing_address);
}

Result<void> InetSocket::listen(int backlog)
{
    if (!is_stream())
        return Errno::enotsup;
    if (m_state == State::connecting || m_state == State::connected)
        return Errno::einval;
    TRY(ensure_tcp());
    if (m_tcp->is_dead)
        return Errno::einval;
    // listen(2): a backlog past net.core.somaxconn is silently cut to it.
    u32 wanted = static_cast<u32>(backlog);
    TRY(m_tcp->listen(std::min(wanted, abi::somaxconn)));
    m_state = State::listening;
    notify_readiness();
    return {};
}

Result<Ref<Socket>> InetSocket::accept(u32 status_flags)
{
    if (!is_stream())
        return Errno::enotsup;
    if (m_state != State::listening || m_is_read_shut)
        return Errno::einval;
    u64 timeout = options().receive_timeout_ns;
    u64 deadline = deadline_after(timeout);
    while (m_tcp->accept_queue.empty())
        TRY(wait(m_tcp->changed, 0, deadline, timeout, "inet accept"));
    Ref<inet::TcpConnection> connection = std::move(m_tcp->accept_queue.front());
    m_tcp->accept_queue.pop_front();
    connection->accepted();
    auto accepted = make_ref<InetSocket>(domain(), protocol(), connection, o_rdwr | status_flags);
    accepted->options() = options();
    // An accepted socket inherits the listener's keepalive settings (inet_csk_clone_lock).
    accepted->m_keep_idle_s = m_keep_idle_s;
    accepted->m_keep_interval_s = m_keep_interval_s;
    accepted->m_keep_count = m_keep_count;
    accepted->apply_keepalive();
    notify_readiness();
    return Ref<Socket>(accepted);
}

Result<void> InetSocket::connect(Context& ctx, std::span<const u8> address)
{
    if (address.size() < sizeof(u16))
        return Errno::einval;
    u16 family = MUST(load_from_bytes<u16>(address, 0));
    if (!is_stream()) {
        if (family == abi::af_unspec) {
            // udp_disconnect: AF_UNSPEC dissolves the association.
            if (m_udp)
                m_udp->disconnect();
            m_is_udp_connected = false;
            return {};
        }
        auto remote = TRY(parse_address(address, AddressUse::connect));
        TRY(ensure_udp());
        TRY(m_udp->connect(remote));
        m_is_udp_connected = true;
        return {};
    }
    switch (m_state) {
    case State::listening: return Errno::eisconn;
    case State::connected:
        // A connection the peer reset is unconnected again for connect(2).
        if (!m_tcp->is_dead)
            return Errno::eisconn;
        break;
    case State::connecting:
        if (m_tcp->is_connecting) {
            if (is_nonblocking())
                return Errno::ealready;
            break;
        }
        break;
    case State::fresh: break;
    }
    if (m_state == State::fresh || (m_tcp && m_tcp->is_dead && m_state != State::connecting)) {
        auto remote = TRY(parse_address(address, AddressUse::connect));
        if (m_tcp && m_tcp->is_dead)
            m_tcp = Ref<inet::TcpConnection>();
        TRY(ensure_tcp());
        TRY(connect_stream(remote));
        if (is_nonblocking())
            return Errno::einprogress;
    }
    // Blocking: wait for the handshake (the send timeout bounds it, as in Linux).
    u64 timeout = options().send_timeout_ns;
    u64 deadline = deadline_after(timeout);
    while (m_tcp->is_connecting) {
        auto waited = wait(m_tcp->changed, 0, deadline, timeout, "inet connect");
        if (waited.is_error())
            return waited.error() == Errno::eagain ? Errno::einprogress : waited.error();
    }
    if (m_tcp->is_connected) {
        m_state = State::connected;
        return {};
    }
    // The handshake failed: report why once; the socket may connect again.
    int error = take_error();
    m_state = State::fresh;
    m_tcp = Ref<inet::TcpConnection>();
    return error ? static_cast<Errno>(error) : Errno::econnaborted;
}

Result<void> InetSocket::connect_stream(const inet::Endpoint& remote)
{
    TRY(m_tcp->connect(remote));
    m_state = State::connecting;
    return {};
}

Result<void> InetSocket::shutdown(int how)
{
    if (how < abi::shut_rd || how > abi::shut_rdwr)
        return Errno::einval;
    bool is_read = how != abi::shut_wr;
    bool is_write = how != abi::shut_rd;
    if (is_stream()) {
        if (m_state == State::fresh)
            return Errno::enotconn;
        if (m_state == State::listening) {
            // Shutting a listener down stops it; accept(2) then fails with EINVAL.
            m_is_read_shut = true;
            m_tcp->changed.wake_all();
            notify_readiness();
            return {};
        }
    } else if (!m_is_udp_connected) {
        return Errno::enotconn;
    }
    if (is_read)
        m_is_read_shut = true;
    if (is_write && !m_is_write_shut) {
        m_is_write_shut = true;
        if (m_tcp)
            m_tcp->shutdown_write();
    }
    if (m_tcp)
        m_tcp->changed.wake_all();
    if (m_udp)
        m_udp->changed.wake_all();
    notify_readiness();
    return {};
}

Result<std::vector<u8>> InetSocket::local_address()
{
    inet::Endpoint local {domain() == abi::af_inet6};
    if (m_tcp)
        local = m_tcp->local();
    else if (m_udp)
        local = m_udp->local();
    return encode_address(local);
}

Result<std::vector<u8>> InetSocket::peer_address()
{
    if (is_stream()) {
        if (m_state != State::connected || !m_tcp || (m_tcp->is_dead && !m_tcp->is_peer_closed))
            return Errno::enotconn;
        return encode_address(m_tcp->peer());
    }
    // inet_getname: a peer with port 0 (always so for a ping socket) counts as none.
    if (!m_is_udp_connected || !m_udp || m_udp->peer().port == 0)
        return Errno::enotconn;
    return encode_address(m_udp->peer());
}

Errno InetSocket::broken_pipe(Context& ctx, int flags)
{
    if (!(flags & abi::msg_nosignal))
        send_signal(ctx.thread(), make_signal_info(sigpipe, si_kernel));
    return Errno::epipe;
}

Result<usize> InetSocket::send(Context& ctx, SendMessage& message)
{
    if (!message.files.empty() || message.credentials)
        return Errno::einval;
    return is_stream() ? send_stream(ctx, message) : send_datagram(ctx, message);
}

Result<usize> InetSocket::send_stream(Context& ctx, SendMessage& message)
{
    // tcp_sendmsg ignores a destination address on a connected socket.
    if (m_state == State::listening || m_state == State::fresh) {
        // sk_stream_wait_connect: a socket that is not connecting is a broken pipe.
        if (m_tcp && m_tcp->error)
            return static_cast<Errno>(take_error());
        return broken_pipe(ctx, message.flags);
    }
    u64 timeout = options().send_timeout_ns;
    u64 deadline = deadline_after(timeout);
    usize sent = 0;
    auto partial = [&](Errno error) -> Result<usize> { return sent ? Result<usize>(sent) : error; };
    std::vector<u8> chunk;
    usize chunk_done = 0;
    while (message.data.remaining() > 0 || chunk_done < chunk.size()) {
        if (m_tcp->error) {
            if (sent)
                return sent;
            int error = take_error();
            return error == static_cast<int>(Errno::epipe) ? broken_pipe(ctx, message.flags) : static_cast<Errno>(error);
        }
        if (m_is_write_shut || m_tcp->is_dead)
            return sent ? Result<usize>(sent) : broken_pipe(ctx, message.flags);
        usize room = m_tcp->send_room();
        if (m_tcp->is_connecting || room == 0) {
            auto waited = wait(m_tcp->changed, message.flags, deadline, timeout, "inet send");
            if (waited.is_error())
                return partial(waited.error());
            continue;
        }
        if (chunk_done == chunk.size()) {
            chunk.resize(std::min<u64>(message.data.remaining(), room));
            chunk_done = 0;
            auto got = message.data.read(chunk);
            if (got.is_error())
                return partial(got.error());
            chunk.resize(got.value());
            if (chunk.empty())
                break;
        }
        bool has_more = (message.flags & abi::msg_more) || message.data.remaining() > 0;
        auto n = m_tcp->send(std::span<const u8>(chunk).subspan(chunk_done), has_more);
        if (n.is_error())
            return partial(n.error());
        chunk_done += n.value();
        sent += n.value();
        if (n.value() == 0) {
            // The stack is out of buffers: wait for an acknowledgement to free some.
            auto waited = wait(m_tcp->changed, message.flags, deadline, timeout, "inet send");
            if (waited.is_error())
                return partial(waited.error());
        }
    }
    m_state = m_tcp->is_connected || m_tcp->is_dead ? State::connected : m_state;
    return sent;
}

Result<usize> InetSocket::send_datagram(Context& ctx, SendMessage& message)
{
    std::optional<inet::Endpoint> to;
    if (message.address && !message.address->empty()) {
        auto address = std::span<const u8>(*message.address);
        if (address.size() >= sizeof(u16) && MUST(load_from_bytes<u16>(address, 0)) == abi::af_unspec && m_is_udp_connected)
            to.reset();
        else
            to = TRY(parse_address(address, AddressUse::connect));
    } else if (!m_is_udp_connected) {
        return Errno::edestaddrreq;
    }
    if (m_is_write_shut)
        return broken_pipe(ctx, message.flags);
    // udp_sendmsg: a datagram larger than the IP packet holds.
    if (message.data.remaining() > 65507)
        return Errno::emsgsize;
    std::vector<u8> bytes(message.data.remaining());
    auto got = TRY(message.data.read(bytes));
    bytes.resize(got);
    TRY(ensure_udp());
    return m_udp->send(bytes, to ? &*to : nullptr);
}

Result<usize> InetSocket::receive(Context& ctx, ReceiveMessage& message)
{
    if (message.flags & abi::msg_oob)
        return Errno::einval;
    return is_stream() ? receive_stream(message) : receive_datagram(message);
}

Result<usize> InetSocket::receive_stream(ReceiveMessage& message)
{
    if (m_state == State::fresh || m_state == State::listening)
        return Errno::enotconn;
    bool is_peek = message.flags & abi::msg_peek;
    u64 wanted = message.data.remaining();
    if (wanted == 0)
        return 0;
    u64 target = (message.flags & abi::msg_waitall) && !is_peek ? wanted : 1;
    u64 timeout = options().receive_timeout_ns;
    u64 deadline = deadline_after(timeout);
    usize copied = 0;
    std::vector<u8> chunk;
    while (copied < wanted) {
        auto& received = m_tcp->received;
        usize skip = is_peek ? copied : 0;
        if (received.size() > skip) {
            usize n = std::min<u64>({received.size() - skip, wanted - copied, receive_chunk_bytes});
            chunk.assign(received.begin() + static_cast<long>(skip), received.begin() + static_cast<long>(skip + n));
            auto written = message.data.write(chunk);
            if (written.is_error())
                return copied ? Result<usize>(copied) : written.error();
            usize done = written.value();
            copied += done;
            if (!is_peek) {
                m_tcp->take_received(done);
                m_tcp->consume(done);
            }
            if (done < n)
                break;
            continue;
        }
        if (copied >= target)
            break;
        if (m_tcp->error) {
            if (copied)
                break;
            return static_cast<Errno>(take_error());
        }
        if (m_is_read_shut || m_tcp->is_peer_closed || m_tcp->is_dead)
            break;
        auto waited = wait(m_tcp->changed, message.flags, deadline, timeout, "inet recv");
        if (waited.is_error())
            return copied ? Result<usize>(copied) : waited.error();
    }
    if (m_state == State::connecting && m_tcp->is_connected)
        m_state = State::connected;
    return copied;
}

Result<usize> InetSocket::receive_datagram(ReceiveMessage& message)
{
    TRY(ensure_udp());
    u64 timeout = options().receive_timeout_ns;
    u64 deadline = deadline_after(timeout);
    while (m_udp->received.empty()) {
        if (m_is_read_shut)
            return 0;
        TRY(wait(m_udp->changed, message.flags, deadline, timeout, "inet recvfrom"));
    }
    inet::Datagram& datagram = m_udp->received.front();
    usize size = datagram.bytes.size();
    auto written = TRY(message.data.write(datagram.bytes));
    message.address = encode_address(datagram.from);
    if (written < size)
        message.out_flags |= abi::msg_trunc;
    if (!(message.flags & abi::msg_peek)) {
        m_udp->take_received();
    }
    // udp_recvmsg: MSG_TRUNC in flags returns the datagram's real length.
    return (message.flags & abi::msg_trunc) ? size : written;
}

Result<int> InetSocket::bytes_ready()
{
    if (is_stream()) {
        if (m_state == State::listening)
            return Errno::einval;
        return m_tcp ? static_cast<int>(m_tcp->received.size()) : 0;
    }
    return m_udp && !m_udp->received.empty() ? static_cast<int>(m_udp->received.front().bytes.size()) : 0;
}

u32 InetSocket::poll_events()
{
    u32 events = 0;
    if (!is_stream()) {
        if (m_udp && !m_udp->received.empty())
            events |= abi::pollin | abi::pollrdnorm;
        if (m_is_read_shut)
            events |= abi::pollin | abi::pollrdnorm | abi::pollrdhup;
        return events | abi::pollout | abi::pollwrnorm | abi::pollwrband;
    }
    switch (m_state) {
    case State::fresh:
        // tcp_poll: a closed socket is hung up and "writable" (a write fails at once).
        return abi::pollout | abi::pollwrnorm | abi::pollhup;
    case State::listening:
        return m_tcp->accept_queue.empty() ? 0 : abi::pollin | abi::pollrdnorm;
    case State::connecting:
    case State::connected: break;
    }
    const inet::TcpConnection& tcp = *m_tcp;
    if (tcp.error)
        events |= abi::pollerr;
    if (!tcp.received.empty())
        events |= abi::pollin | abi::pollrdnorm;
    if (tcp.is_peer_closed || m_is_read_shut || tcp.is_dead)
        events |= abi::pollin | abi::pollrdnorm | abi::pollrdhup;
    if (tcp.is_dead || (tcp.is_peer_closed && m_is_write_shut))
        events |= abi::pollhup;
    if (tcp.is_dead || m_is_write_shut || (tcp.is_connected && m_tcp->send_room() > 0))
        events |= abi::pollout | abi::pollwrnorm | abi::pollwrband;
    return events;
}

int InetSocket::take_error()
{
    if (m_tcp)
        return std::exchange(m_tcp->error, 0);
    return 0;
}

Result<void> InetSocket::set_family_option(int level, int name, std::span<const u8> value)
{
    if (is_multicast_option(level, name)) {
        if (is_stream() && is_membership_option(level, name))
            return Errno::eproto;
        return Errno::enoprotoopt;
    }
    if (level == abi::ipproto_tcp) {
        // udp_setsockopt passes another level to ip_setsockopt or ipv6_setsockopt, which
        // know no IPPROTO_TCP options.
        if (!is_stream())
            return Errno::enoprotoopt;
        int on = TRY(int_value(value));
        switch (name) {
        case abi::tcp_nodelay:
            m_is_nodelay = on != 0;
            if (m_tcp)
                m_tcp->set_nodelay(m_is_nodelay);
            return {};
        case abi::tcp_keepidle:
            if (on < 1 || on > abi::max_tcp_keepidle_s)
                return Errno::einval;
            m_keep_idle_s = static_cast<u32>(on);
            apply_keepalive();
            return {};
        case abi::tcp_keepintvl:
            if (on < 1 || on > abi::max_tcp_keepintvl_s)
                return Errno::einval;
            m_keep_interval_s = static_cast<u32>(on);
            apply_keepalive();
            return {};
        case abi::tcp_keepcnt:
            if (on < 1 || on > abi::max_tcp_keepcnt)
                return Errno::einval;
            m_keep_count = static_cast<u32>(on);
            apply_keepalive();
            return {};
        case abi::tcp_maxseg:
        case abi::tcp_cork:
        case abi::tcp_quickack: return {};
        default: return Errno::enoprotoopt;
        }
    }
    if (level == abi::ipproto_ipv6 && domain() == abi::af_inet6) {
        int on = TRY(int_value(value));
        switch (name) {
        case abi::ipv6_v6only: {
            // ipv6_setsockopt: only before the socket has a port.
            bool is_bound = (m_tcp && m_tcp->is_bound()) || (m_udp && m_udp->is_bound());
            if (is_bound || m_state != State::fresh)
                return Errno::einval;
            m_is_v6only = on != 0;
            // The stack endpoint takes the family it was made with: make it again.
            m_tcp = Ref<inet::TcpConnection>();
            m_udp = Ref<inet::UdpPort>();
            return {};
        }
        case abi::ipv6_unicast_hops:
            if (on < -1 || on > 255)
                return Errno::einval;
            m_ttl = on == -1 ? 64 : on;
            return {};
        case abi::ipv6_tclass:
            if (on < -1 || on > 255)
                return Errno::einval;
            m_tos = on == -1 ? 0 : on;
            return {};
        case abi::ipv6_recverr:
        case abi::ipv6_recvhoplimit:
            set_flag(level, name, on != 0);
            return {};
        default: return Errno::enoprotoopt;
        }
    }
    // IP_RETOPTS asks for the IP options of received packets; the stack sends and keeps none,
    // so there are never any to return.
    if (level == abi::ipproto_ip && name == abi::ip_retopts)
        return {};
    if (level == abi::ipproto_ip) {
        int on = TRY(int_value(value));
        switch (name) {
        case abi::ip_tos: m_tos = on & 0xff; return {};
        case abi::ip_ttl:
            if (on < -1 || on == 0 || on > 255)
                return Errno::einval;
            m_ttl = on == -1 ? 64 : on;
            return {};
        case abi::ip_recverr:
        case abi::ip_recvttl:
            set_flag(level, name, on != 0);
            return {};
        default: return Errno::enoprotoopt;
        }
    }
    return Errno::enoprotoopt;
}

Result<std::vector<u8>> InetSocket::get_family_option(int level, int name)
{
    if (is_multicast_option(level, name))
        return Errno::enoprotoopt;
    if (level == abi::ipproto_tcp) {
        // udp_getsockopt passes another level on: ip_getsockopt says EOPNOTSUPP,
        // ipv6_getsockopt ENOPROTOOPT.
        if (!is_stream())
            return domain() == abi::af_inet ? Errno::enotsup : Errno::enoprotoopt;
        switch (name) {
        case abi::tcp_nodelay: return bytes_of(static_cast<int>(m_is_nodelay));
        case abi::tcp_info: return tcp_info_bytes();
        case abi::tcp_maxseg: return bytes_of(536);
        case abi::tcp_keepidle: return bytes_of(static_cast<int>(m_keep_idle_s));
        case abi::tcp_keepintvl: return bytes_of(static_cast<int>(m_keep_interval_s));
        case abi::tcp_keepcnt: return bytes_of(static_cast<int>(m_keep_count));
        case abi::tcp_cork: return bytes_of(0);
        case abi::tcp_quickack: return bytes_of(1);
        default: return Errno::enoprotoopt;
        }
    }
    if (level == abi::ipproto_ipv6 && domain() == abi::af_inet6) {
        switch (name) {
        case abi::ipv6_v6only: return bytes_of(static_cast<int>(m_is_v6only));
        case abi::ipv6_unicast_hops: return bytes_of(m_ttl);
        case abi::ipv6_tclass: return bytes_of(m_tos);
        case abi::ipv6_recverr:
        case abi::ipv6_recvhoplimit: return bytes_of(static_cast<int>(has_flag(level, name)));
        default: return Errno::enoprotoopt;
        }
    }
    if (level == abi::ipproto_ip) {
        switch (name) {
        case abi::ip_tos: return bytes_of(m_tos);
        case abi::ip_ttl: return bytes_of(m_ttl);
        case abi::ip_recverr:
        case abi::ip_recvttl: return bytes_of(static_cast<int>(has_flag(level, name)));
        default: return Errno::enoprotoopt;
        }
    }
    return Errno::enoprotoopt;
}

namespace {
Result<Ref<Socket>> create_socket_of(int domain, int type, int protocol, u32 status_flags)
{
    switch (type) {
    case abi::sock_stream:
        if (protocol != 0 && protocol != abi::ipproto_tcp)
            return Errno::eprotonosupport;
        return Ref<Socket>(make_ref<InetSocket>(domain, type, abi::ipproto_tcp, status_flags));
    case abi::sock_dgram: {
        int ping_protocol = domain == abi::af_inet ? abi::ipproto_icmp : abi::ipproto_icmpv6;
        if (protocol == ping_protocol) {
            // Ping sockets: ping_init_sock lets only the groups of net.ipv4.ping_group_range.
            Thread* thread = ProcessTable::current_thread();
            if (thread && !ping_group_range().admits(thread->credentials()))
                return Errno::eacces;
            return Ref<Socket>(make_ref<InetSocket>(domain, type, protocol, status_flags));
        }
        if (protocol != 0 && protocol != abi::ipproto_udp)
            return Errno::eprotonosupport;
        return Ref<Socket>(make_ref<InetSocket>(domain, type, abi::ipproto_udp, status_flags));
    }
    default: return Errno::esocktnosupport;
    }
}
} // namespace

Result<Ref<Socket>> create_inet_socket(int type, int protocol, u32 status_flags)
{
    return create_socket_of(abi::af_inet, type, protocol, status_flags);
}

Result<Ref<Socket>> create_inet6_socket(int type, int protocol, u32 status_flags)
{
    return create_socket_of(abi::af_inet6, type, protocol, status_flags);
}

} // namespace asterix::services
