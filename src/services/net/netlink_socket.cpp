#include "services/net/netlink_socket.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "frame/bytes.h"
#include "services/abi/netlink.h"
#include "services/abi/poll.h"
#include "services/net/inet_stack.h"
#include "services/net/netlink_links.h"
#include "services/net/netlink_message.h"
#include "services/net/netlink_routes.h"
#include "services/syscalls/context.h"

namespace asterix::services {

namespace {

using namespace netlink;

/// Port ids handed to sockets that bind without one (Linux takes the tgid for the first; any
/// unique number serves, callers read it back with getsockname).
u32 g_next_port_id = 0x4000'0000;
/// The most bytes one request may carry.
constexpr usize max_request_bytes = 64 * 1024;
/// The index of the interface an RTM_GETLINK request names with IFLA_IFNAME: 0 when there is
/// none such, nothing when the request names none.
std::optional<u32> index_of_named(std::span<const u8> request)
{
    usize at = abi::nlmsghdr_bytes + abi::ifinfomsg_bytes;
    while (request.size() >= at + 4) {
        u16 length = MUST(load_from_bytes<u16>(request, at));
        u16 type = MUST(load_from_bytes<u16>(request, at + 2));
        if (length < 4 || length > request.size() - at)
            return std::nullopt;
        if (type == abi::ifla_ifname) {
            auto value = request.subspan(at + 4, length - 4);
            std::string name;
            for (usize i = 0; i < value.size() && value[i]; ++i)
                name += static_cast<char>(value[i]);
            for (const auto& link : inet::list_interfaces()) {
                if (link.name == name)
                    return link.index;
            }
            return 0;
        }
        at += (length + 3u) & ~3u;
    }
    return std::nullopt;
}

} // namespace

NetlinkSocket::NetlinkSocket(int type, u32 status_flags) : Socket(abi::af_netlink, type, abi::netlink_route, status_flags) {}

u32 NetlinkSocket::port_id()
{
    if (!m_port_id)
        m_port_id = g_next_port_id++;
    return m_port_id;
}

Result<void> NetlinkSocket::bind(Context& ctx, std::span<const u8> address)
{
    if (address.size() < abi::sockaddr_nl_bytes || MUST(load_from_bytes<u16>(address, 0)) != abi::af_netlink)
        return Errno::einval;
    u32 wanted = MUST(load_from_bytes<u32>(address, 4));
    if (m_port_id && wanted && wanted != m_port_id)
        return Errno::einval;
    if (wanted)
        m_port_id = wanted;
    port_id();
    return {};
}

Result<void> NetlinkSocket::connect(Context& ctx, std::span<const u8> address)
{
    if (address.size() < abi::sockaddr_nl_bytes || MUST(load_from_bytes<u16>(address, 0)) != abi::af_netlink)
        return Errno::einval;
    port_id();
    return {};
}

Result<std::vector<u8>> NetlinkSocket::local_address()
{
    std::vector<u8> out;
    put_u16(out, abi::af_netlink);
    put_u16(out, 0);
    put_u32(out, m_port_id);
    put_u32(out, 0);
    return out;
}

Result<std::vector<u8>> NetlinkSocket::peer_address()
{
    // The kernel is every netlink socket's default peer.
    std::vector<u8> out;
    put_u16(out, abi::af_netlink);
    put_u16(out, 0);
    put_u32(out, 0);
    put_u32(out, 0);
    return out;
}

void NetlinkSocket::put_error(std::vector<u8>& out, std::span<const u8> header, u32 seq, Errno error)
{
    // NLMSG_ERROR: the negative errno and the request's header.
    usize start = start_message(out, abi::nlmsg_error, 0, seq, port_id());
    put_u32(out, static_cast<u32>(-static_cast<int>(error)));
    out.insert(out.end(), header.begin(), header.end());
    finish_message(out, start);
}

void NetlinkSocket::answer(std::span<const u8> request)
{
    usize at = 0;
    while (request.size() - at >= abi::nlmsghdr_bytes) {
        u32 length = MUST(load_from_bytes<u32>(request, at));
        if (length < abi::nlmsghdr_bytes || length > request.size() - at)
            break;
        u16 type = MUST(load_from_bytes<u16>(request, at + 4));
        u16 flags = MUST(load_from_bytes<u16>(request, at + 6));
        u32 seq = MUST(load_from_bytes<u32>(request, at + 8));
        // rtgenmsg: the family a dump is for (AF_UNSPEC: all).
        int family = length > abi::nlmsghdr_bytes ? request[at + abi::nlmsghdr_bytes] : abi::af_unspec;
        bool is_dump = (flags & abi::nlm_f_dump) == abi::nlm_f_dump;
        std::vector<u8> reply;
        if (is_dump && type == abi::rtm_getlink) {
            put_links(reply, 0, abi::nlm_f_multi, seq, port_id());
        } else if (!is_dump && type == abi::rtm_getlink) {
            // One interface, by the index in its struct ifinfomsg or by an IFLA_IFNAME
            // attribute (what `ip link show dev NAME` asks): one message, no NLMSG_DONE.
            // rtnl_getlink: EINVAL when the request names no interface, ENODEV for one that
            // does not exist.
            std::optional<u32> index;
            if (length >= abi::nlmsghdr_bytes + abi::ifinfomsg_bytes)
                index = MUST(load_from_bytes<u32>(request, at + abi::nlmsghdr_bytes + 4));
            if (!index || !*index)
                index = index_of_named(request.subspan(at, length));
            if (!index)
                put_error(reply, request.subspan(at, abi::nlmsghdr_bytes), seq, Errno::einval);
            else if (!*index || !put_links(reply, *index, 0, seq, port_id()))
                put_error(reply, request.subspan(at, abi::nlmsghdr_bytes), seq, Errno::enodev);
            queue_reply(std::move(reply));
            at += (length + 3) & ~3u;
            continue;
        } else if (is_dump && type == abi::rtm_getaddr) {
            put_addresses(reply, family, seq, port_id());
        } else if (is_dump && type == abi::rtm_getroute) {
            put_routes(reply, family, seq, port_id());
        } else {
            put_error(reply, request.subspan(at, abi::nlmsghdr_bytes), seq, Errno::enotsup);
            queue_reply(std::move(reply));
            at += (length + 3) & ~3u;
            continue;
        }
        if (!reply.empty())
            queue_reply(std::move(reply));
        std::vector<u8> done;
        usize start = start_message(done, abi::nlmsg_done, abi::nlm_f_multi, seq, port_id());
        put_u32(done, 0);
        finish_message(done, start);
        queue_reply(std::move(done));
        at += (length + 3) & ~3u;
    }
    m_changed.wake_all();
    notify_readiness();
}

Result<usize> NetlinkSocket::send(Context& ctx, SendMessage& message)
{
    if (!message.files.empty())
        return Errno::einval;
    if (message.address && !message.address->empty()) {
        auto address = std::span<const u8>(*message.address);
        if (address.size() < abi::sockaddr_nl_bytes || MUST(load_from_bytes<u16>(address, 0)) != abi::af_netlink)
            return Errno::einval;
    }
    if (message.data.remaining() > max_request_bytes)
        return Errno::emsgsize;
    std::vector<u8> request(message.data.remaining());
    usize got = TRY(message.data.read(request));
    request.resize(got);
    answer(request);
    return got;
}

Result<usize> NetlinkSocket::receive(Context& ctx, ReceiveMessage& message)
{
    u64 timeout = options().receive_timeout_ns;
    u64 deadline = deadline_after(timeout);
    while (m_replies.empty())
        TRY(wait(m_changed, message.flags, deadline, timeout, "netlink recv"));
    const std::vector<u8>& reply = m_replies.front();
    usize size = reply.size();
    usize written = TRY(message.data.write(reply));
    message.address = MUST(peer_address());
    if (written < size)
        message.out_flags |= abi::msg_trunc;
    if (!(message.flags & abi::msg_peek)) {
        m_queued_bytes -= size;
        m_replies.pop_front();
    }
    return (message.flags & abi::msg_trunc) ? size : written;
}

void NetlinkSocket::queue_reply(std::vector<u8> reply)
{
    m_queued_bytes += reply.size();
    m_replies.push_back(std::move(reply));
}

void NetlinkSocket::deliver(std::vector<u8> datagram)
{
    // A socket nobody reads must not grow without bound: past its receive buffer the datagram
    // is dropped, as Linux drops what overruns a netlink socket (its reader would see ENOBUFS).
    if (m_queued_bytes + datagram.size() > options().receive_buffer_bytes)
        return;
    queue_reply(std::move(datagram));
    m_changed.wake_all();
    notify_readiness();
}

Result<int> NetlinkSocket::bytes_ready() { return m_replies.empty() ? 0 : static_cast<int>(m_replies.front().size()); }

u32 NetlinkSocket::poll_events()
{
    u32 events = abi::pollout | abi::pollwrnorm;
    if (!m_replies.empty())
        events |= abi::pollin | abi::pollrdnorm;
    return events;
}

Result<void> NetlinkSocket::set_family_option(int level, int name, std::span<const u8> value)
{
    if (level != abi::sol_netlink)
        return Errno::enoprotoopt;
    // netlink_setsockopt reads the value only when it is a whole int; a shorter one is 0.
    int on = value.size() >= sizeof(int) ? MUST(load_from_bytes<int>(value, 0)) : 0;
    switch (name) {
    case abi::netlink_add_membership:
    case abi::netlink_drop_membership:
        // Multicast groups carry notifications of changes; nothing here changes, so joining
        // one only means never hearing from it.
        return {};
    case abi::netlink_pktinfo:
    case abi::netlink_broadcast_error:
    case abi::netlink_no_enobufs:
    case abi::netlink_listen_all_nsid:
    case abi::netlink_cap_ack:
    case abi::netlink_ext_ack:
    case abi::netlink_get_strict_chk:
        if (on)
            m_flags |= 1u << name;
        else
            m_flags &= ~(1u << name);
        return {};
    default: return Errno::enoprotoopt;
    }
}

Result<std::vector<u8>> NetlinkSocket::get_family_option(int level, int name)
{
    if (level != abi::sol_netlink)
        return Errno::enoprotoopt;
    switch (name) {
    case abi::netlink_pktinfo:
    case abi::netlink_broadcast_error:
    case abi::netlink_no_enobufs:
    case abi::netlink_listen_all_nsid:
    case abi::netlink_cap_ack:
    case abi::netlink_ext_ack:
    case abi::netlink_get_strict_chk: {
        std::vector<u8> out;
        put_u32(out, (m_flags >> name) & 1);
        return out;
    }
    default: return Errno::enoprotoopt;
    }
}

Result<Ref<Socket>> create_netlink_socket(int type, int protocol, u32 status_flags)
{
    if (type != abi::sock_raw && type != abi::sock_dgram)
        return Errno::esocktnosupport;
    if (protocol != abi::netlink_route)
        return Errno::eprotonosupport;
    return Ref<Socket>(make_ref<NetlinkSocket>(type, status_flags));
}

Result<Ref<NetlinkSocket>> netlink_socket_of(File& file)
{
    Socket* socket = file.socket();
    if (!socket)
        return Errno::enotsock;
    if (socket->domain() != abi::af_netlink)
        return Errno::einval;
    // create_netlink_socket makes every socket of the family, and makes only NetlinkSockets.
    return Ref<NetlinkSocket>(static_cast<NetlinkSocket*>(socket));
}

} // namespace asterix::services
