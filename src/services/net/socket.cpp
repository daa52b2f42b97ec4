#include "services/net/socket.h"

#include <algorithm>
#include <array>

#include "frame/bytes.h"
#include "frame/clock.h"
#include "services/abi/ioctls.h"
#include "services/abi/netlink.h"
#include "services/abi/stat.h"
#include "services/net/inet_socket.h"
#include "services/net/interface_ioctl.h"
#include "services/net/netlink_socket.h"
#include "services/net/unix_socket.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/context.h"

namespace asterix::services {

namespace {

/// The families this kernel provides. AF_INET and AF_INET6 cannot pair (socketpair(2) is
/// EOPNOTSUPP for them on Linux too).
constexpr std::array families {
    SocketFamily {abi::af_unix, &create_unix_socket, &create_unix_socket_pair},
    SocketFamily {abi::af_inet, &create_inet_socket, nullptr},
    SocketFamily {abi::af_inet6, &create_inet6_socket, nullptr},
    SocketFamily {abi::af_netlink, &create_netlink_socket, nullptr},
};

const SocketFamily* find_family(int domain)
{
    for (const auto& family : families) {
        if (family.domain == domain)
            return &family;
    }
    return nullptr;
}

u64 g_next_socket_ino = 1;
/// st_dev of every socket (Linux's sockfs is an anonymous device too).
constexpr u64 sockfs_dev = 0x8;

template<typename T>
std::vector<u8> bytes_of(const T& value)
{
    auto bytes = object_bytes(value);
    return std::vector<u8>(bytes.begin(), bytes.end());
}

Result<int> int_value(std::span<const u8> value)
{
    if (value.size() < sizeof(int))
        return Errno::einval;
    return MUST(load_from_bytes<int>(value, 0));
}

/// SO_RCVTIMEO/SO_SNDTIMEO take a struct timeval (sock_set_timeout): EDOM for microseconds out
/// of range, a negative time means "do not wait" which Linux stores as the shortest timeout.
Result<u64> timeout_value(std::span<const u8> value)
{
    if (value.size() < 16)
        return Errno::einval;
    i64 sec = MUST(load_from_bytes<i64>(value, 0));
    i64 usec = MUST(load_from_bytes<i64>(value, 8));
    if (usec < 0 || usec >= 1'000'000)
        return Errno::edom;
    if (sec < 0)
        return 0;
    if (sec == 0 && usec == 0)
        return 0;
    // Linux keeps the timeout in jiffies; one jiffy at HZ=1000 is the finest step it reports.
    u64 usec_total = static_cast<u64>(sec) * 1'000'000 + static_cast<u64>(usec);
    usec_total = (usec_total + 999) / 1000 * 1000;
    return usec_total * 1000;
}

std::vector<u8> timeval_bytes(u64 ns)
{
    std::array<i64, 2> tv {static_cast<i64>(ns / 1'000'000'000), static_cast<i64>(ns % 1'000'000'000 / 1000)};
    return bytes_of(tv);
}

} // namespace

namespace {
/// Bytes left in the parts from `at` on.
template<typename Parts>
u64 remaining_in(const Parts& parts, usize at)
{
    u64 total = 0;
    for (usize i = at; i < parts.size(); ++i)
        total += parts[i].remaining();
    return total;
}

/// Moves `bytes` through the parts in order, each from where the last stopped: a fault after
/// some bytes is the short count, as readv/writev return.
template<typename Parts, typename Bytes, typename Step>
Result<usize> across_parts(Parts& parts, usize& at, Bytes bytes, Step step)
{
    usize done = 0;
    while (done < bytes.size() && at < parts.size()) {
        if (parts[at].remaining() == 0) {
            ++at;
            continue;
        }
        auto n = step(parts[at], bytes.subspan(done));
        if (n.is_error())
            return done ? Result<usize>(done) : n.error();
        done += n.value();
    }
    return done;
}
} // namespace

GatherReader::GatherReader(std::vector<frame::UserReader> parts) : m_parts(std::move(parts)) {}

u64 GatherReader::remaining() const { return remaining_in(m_parts, m_at); }

Result<usize> GatherReader::read(std::span<u8> dst)
{
    return across_parts(m_parts, m_at, dst, [](frame::UserReader& part, std::span<u8> rest) { return part.read(rest); });
}

ScatterWriter::ScatterWriter(std::vector<frame::UserWriter> parts) : m_parts(std::move(parts)) {}

u64 ScatterWriter::remaining() const { return remaining_in(m_parts, m_at); }

Result<usize> ScatterWriter::write(std::span<const u8> src)
{
    return across_parts(m_parts, m_at, src, [](frame::UserWriter& part, std::span<const u8> rest) { return part.write(rest); });
}

Socket::Socket(int domain, int type, int protocol, u32 status_flags)
    : File(status_flags | o_rdwr), m_domain(domain), m_type(type), m_protocol(protocol), m_ino(g_next_socket_ino++)
{
}

Result<usize> Socket::read(frame::UserWriter& out)
{
    Thread* thread = ProcessTable::current_thread();
    if (!thread)
        return Errno::einval;
    Context ctx(*thread);
    ReceiveMessage message;
    message.data = ScatterWriter({out});
    return receive(ctx, message);
}

Result<usize> Socket::write(frame::UserReader& in)
{
    Thread* thread = ProcessTable::current_thread();
    if (!thread)
        return Errno::einval;
    Context ctx(*thread);
    SendMessage message;
    message.data = GatherReader({in});
    return send(ctx, message);
}

Result<frame::FileStat> Socket::stat()
{
    frame::FileStat st {};
    st.dev = sockfs_dev;
    st.ino = m_ino;
    st.mode = abi::s_ifsock | 0777;
    st.nlink = 1;
    st.blksize = 4096;
    return st;
}

std::string Socket::description() { return "socket:[" + std::to_string(m_ino) + "]"; }

u64 Socket::deadline_after(u64 timeout_ns) { return timeout_ns ? frame::monotonic_ns() + timeout_ns : ~0ull; }

PollQueue& Socket::shared_poll_queue()
{
    static PollQueue queue;
    return queue;
}

void Socket::notify_readiness() { shared_poll_queue().notify(); }

Result<void> Socket::wait(frame::WaitQueue& queue, int flags, u64 deadline_ns, u64 timeout_ns, const char* reason)
{
    if (is_nonblocking() || (flags & abi::msg_dontwait))
        return Errno::eagain;
    auto waited = wait_interruptible(queue, deadline_ns, reason);
    if (waited.is_error()) {
        if (waited.error() == Errno::etimedout)
            return Errno::eagain;
        // sock_intr_errno: a call with a timeout is not restarted.
        return timeout_ns ? Errno::eintr : waited.error();
    }
    return {};
}

Result<void> Socket::set_option(int level, int name, std::span<const u8> value)
{
    if (level != abi::sol_socket)
        return set_family_option(level, name, value);
    TRY(set_socket_option(name, value));
    options_changed();
    return {};
}

Result<void> Socket::set_socket_option(int name, std::span<const u8> value)
{
    switch (name) {
    case abi::so_sndbuf:
    case abi::so_rcvbuf:
    case abi::so_sndbufforce:
    case abi::so_rcvbufforce: {
        // sock_setsockopt: the value is capped at the *mem_max sysctl, then doubled to allow for
        // bookkeeping, and never below the minimum.
        u32 value_bytes = static_cast<u32>(TRY(int_value(value)));
        bool is_send = name == abi::so_sndbuf || name == abi::so_sndbufforce;
        // SO_*BUFFORCE may pass the sysctl on Linux; here the cap stays, so no guest sizes a
        // socket's kernel memory past it.
        value_bytes = std::min(value_bytes, is_send ? abi::wmem_max : abi::rmem_max);
        u32 doubled = value_bytes * 2;
        if (is_send)
            m_options.send_buffer_bytes = std::max(doubled, abi::sock_min_sndbuf);
        else
            m_options.receive_buffer_bytes = std::max(doubled, abi::sock_min_rcvbuf);
        notify_readiness();
        return {};
    }
    case abi::so_rcvtimeo:
        m_options.receive_timeout_ns = TRY(timeout_value(value));
        return {};
    case abi::so_sndtimeo:
        m_options.send_timeout_ns = TRY(timeout_value(value));
        return {};
    case abi::so_passcred:
        m_options.is_passing_credentials = TRY(int_value(value)) != 0;
        return {};
    case abi::so_reuseaddr:
        m_options.is_reusing_address = TRY(int_value(value)) != 0;
        return {};
    case abi::so_reuseport:
        m_options.is_reusing_port = TRY(int_value(value)) != 0;
        return {};
    case abi::so_keepalive:
        m_options.is_keeping_alive = TRY(int_value(value)) != 0;
        return {};
    case abi::so_broadcast:
        m_options.is_broadcast = TRY(int_value(value)) != 0;
        return {};
    case abi::so_linger: {
        if (value.size() < sizeof(abi::Linger))
            return Errno::einval;
        m_options.linger = MUST(load_from_bytes<abi::Linger>(value, 0));
        m_options.linger.onoff = m_options.linger.onoff != 0;
        return {};
    }
    case abi::so_debug:
    case abi::so_dontroute:
    case abi::so_oobinline:
    case abi::so_rcvlowat:
        TRY(int_value(value));
        return {};
    default:
        return Errno::enoprotoopt;
    }
}

Result<std::vector<u8>> Socket::get_option(int level, int name)
{
    if (level != abi::sol_socket)
        return get_family_option(level, name);
    switch (name) {
    case abi::so_type: return bytes_of(m_type);
    case abi::so_domain: return bytes_of(m_domain);
    case abi::so_protocol: return bytes_of(m_protocol);
    case abi::so_acceptconn: return bytes_of(static_cast<int>(is_listening()));
    case abi::so_error: return bytes_of(take_error());
    case abi::so_sndbuf: return bytes_of(static_cast<int>(m_options.send_buffer_bytes));
    case abi::so_rcvbuf: return bytes_of(static_cast<int>(m_options.receive_buffer_bytes));
    case abi::so_rcvtimeo: return timeval_bytes(m_options.receive_timeout_ns);
    case abi::so_sndtimeo: return timeval_bytes(m_options.send_timeout_ns);
    case abi::so_passcred: return bytes_of(static_cast<int>(m_options.is_passing_credentials));
    case abi::so_peercred: return bytes_of(peer_credentials());
    case abi::so_reuseaddr: return bytes_of(static_cast<int>(m_options.is_reusing_address));
    case abi::so_reuseport: return bytes_of(static_cast<int>(m_options.is_reusing_port));
    case abi::so_keepalive: return bytes_of(static_cast<int>(m_options.is_keeping_alive));
    case abi::so_broadcast: return bytes_of(static_cast<int>(m_options.is_broadcast));
    case abi::so_linger: return bytes_of(m_options.linger);
    case abi::so_rcvlowat: return bytes_of(1);
    case abi::so_sndlowat: return bytes_of(1);
    case abi::so_debug:
    case abi::so_dontroute:
    case abi::so_oobinline: return bytes_of(0);
    default: return Errno::enoprotoopt;
    }
}

Result<long> Socket::ioctl(Context& ctx, u32 request, u64 arg) { return interface_ioctl(ctx, m_domain, request, arg); }

Result<Ref<Socket>> create_socket(int domain, int type, int protocol, u32 status_flags)
{
    if (domain < 0 || domain >= abi::af_max)
        return Errno::eafnosupport;
    if (type < 0 || type >= abi::sock_max)
        return Errno::einval;
    const SocketFamily* family = find_family(domain);
    if (!family)
        return Errno::eafnosupport;
    return family->create(type, protocol, status_flags);
}

Result<std::pair<Ref<Socket>, Ref<Socket>>> create_socket_pair(int domain, int type, int protocol, u32 status_flags)
{
    if (domain < 0 || domain >= abi::af_max)
        return Errno::eafnosupport;
    if (type < 0 || type >= abi::sock_max)
        return Errno::einval;
    const SocketFamily* family = find_family(domain);
    if (!family)
        return Errno::eafnosupport;
    if (!family->create_pair)
        return Errno::enotsup;
    return family->create_pair(type, protocol, status_flags);
}

Result<Ref<Socket>> as_socket(const Ref<File>& file)
{
    Socket* socket = file->socket();
    if (!socket)
        return Errno::enotsock;
    return Ref<Socket>(socket);
}

} // namespace asterix::services
