// socket, socketpair, bind, listen, accept, accept4, connect, shutdown, getsockname,
// getpeername, sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg, setsockopt, getsockopt.
// These copy the guest's arguments in and out (addresses, iovecs, control messages) and leave
// the rest to the socket's family (services/net/).

#include <algorithm>

#include "frame/bytes.h"
#include "frame/clock.h"
#include "services/abi/socket.h"
#include "services/net/socket.h"
#include "services/net/unix_socket.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/iovec.h"

namespace asterix::services {

namespace {

/// net.core.optmem_max: the most control data one sendmsg copies in.
constexpr u64 max_control_bytes = 20480;
/// Option values longer than this are read only this far (no option is longer).
constexpr u32 max_option_bytes = 256;

Result<Ref<Socket>> socket_of(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    return as_socket(file);
}

u64 install_limit(Context& ctx) { return ctx.process().rlimit(rlimit_nofile).cur; }

/// move_addr_to_kernel: EINVAL for a length below zero or over sizeof(sockaddr_storage).
Result<std::vector<u8>> read_address(Context& ctx, u64 addr, i32 len)
{
    if (len < 0 || static_cast<u32>(len) > abi::sockaddr_storage_bytes)
        return Errno::einval;
    std::vector<u8> bytes(static_cast<usize>(len));
    if (len)
        TRY(ctx.user().read_bytes(addr, bytes));
    return bytes;
}

/// move_addr_to_user: copies as much of the address as the guest's length allows and stores
/// the full length. Nothing happens for a null address.
Result<void> write_address(Context& ctx, u64 addr, u64 len_ptr, std::span<const u8> bytes, bool is_optional = true)
{
    if (!addr && is_optional)
        return {};
    i32 len = TRY(ctx.user().read(UserPtr<i32>(len_ptr)));
    if (len < 0)
        return Errno::einval;
    usize n = std::min<usize>(static_cast<usize>(len), bytes.size());
    if (n)
        TRY(ctx.user().write_bytes(addr, bytes.first(n)));
    TRY(ctx.user().write(UserPtr<i32>(len_ptr), static_cast<i32>(bytes.size())));
    return {};
}

Result<void> install_pair(Context& ctx, Ref<Socket> first, Ref<Socket> second, bool is_cloexec, UserPtr<std::array<i32, 2>> fds)
{
    int first_fd = TRY(ctx.files().install(first, is_cloexec, 0, install_limit(ctx)));
    auto second_fd = ctx.files().install(second, is_cloexec, 0, install_limit(ctx));
    if (second_fd.is_error()) {
        static_cast<void>(ctx.files().close(first_fd));
        return second_fd.error();
    }
    auto written = ctx.user().write(fds, std::array<i32, 2> {first_fd, second_fd.value()});
    if (written.is_error()) {
        static_cast<void>(ctx.files().close(first_fd));
        static_cast<void>(ctx.files().close(second_fd.value()));
        return written.error();
    }
    return {};
}

/// scm_check_creds: a process may claim only its own pid and IDs unless privileged.
Result<void> check_claimed_credentials(Context& ctx, const abi::UCred& claimed)
{
    const Credentials& creds = ctx.thread().credentials();
    if (claimed.pid != ctx.process().pid() && !creds.has_capability(abi::Capability::sys_admin))
        return Errno::eperm;
    bool is_own_uid = claimed.uid == creds.uid || claimed.uid == creds.euid || claimed.uid == creds.suid;
    if (!is_own_uid && !creds.has_capability(abi::Capability::setuid))
        return Errno::eperm;
    bool is_own_gid = claimed.gid == creds.gid || claimed.gid == creds.egid || claimed.gid == creds.sgid;
    if (!is_own_gid && !creds.has_capability(abi::Capability::setgid))
        return Errno::eperm;
    return {};
}

/// __scm_send: SCM_RIGHTS and SCM_CREDENTIALS at SOL_SOCKET; other levels are skipped.
Result<void> parse_control(Context& ctx, Socket& socket, std::span<const u8> control, SendMessage& message)
{
    usize offset = 0;
    while (control.size() - offset >= sizeof(abi::CmsgHdr)) {
        auto header = MUST(load_from_bytes<abi::CmsgHdr>(control, offset));
        if (header.len < sizeof(abi::CmsgHdr) || header.len > control.size() - offset)
            return Errno::einval;
        auto data = control.subspan(offset + sizeof(abi::CmsgHdr), header.len - sizeof(abi::CmsgHdr));
        if (header.level == abi::sol_socket) {
            if (header.type == abi::scm_rights) {
                if (socket.domain() != abi::af_unix)
                    return Errno::einval;
                usize count = data.size() / sizeof(i32);
                if (message.files.size() + count > static_cast<usize>(abi::scm_max_fd))
                    return Errno::einval;
                for (usize i = 0; i < count; ++i) {
                    i32 fd = MUST(load_from_bytes<i32>(data, i * sizeof(i32)));
                    message.files.push_back(TRY(ctx.files().get(fd)));
                }
            } else if (header.type == abi::scm_credentials) {
                if (header.len != abi::cmsg_len(sizeof(abi::UCred)))
                    return Errno::einval;
                auto claimed = MUST(load_from_bytes<abi::UCred>(data, 0));
                TRY(check_claimed_credentials(ctx, claimed));
                message.credentials = claimed;
            } else {
                return Errno::einval;
            }
        }
        u64 step = abi::cmsg_align(header.len);
        if (step > control.size() - offset)
            break;
        offset += step;
    }
    if (!message.files.empty()) {
        collect_unix_cycles();
        // too_many_unix_fds: the files a user has in flight are bounded by its RLIMIT_NOFILE.
        const Credentials& creds = ctx.thread().credentials();
        bool is_privileged = creds.has_capability(abi::Capability::sys_resource) || creds.has_capability(abi::Capability::sys_admin);
        if (!is_privileged && unix_files_in_flight(creds.uid) + message.files.size() > install_limit(ctx))
            return Errno::etoomanyrefs;
    }
    return {};
}

Result<long> send_one(Context& ctx, Socket& socket, const abi::MsgHdr& header, int flags)
{
    if (header.iovlen > static_cast<u64>(abi::iov_max))
        return Errno::emsgsize;
    u32 namelen = header.name ? header.namelen : 0;
    if (static_cast<i32>(namelen) < 0)
        return Errno::einval;
    namelen = std::min(namelen, abi::sockaddr_storage_bytes);
    SendMessage message;
    if (namelen)
        message.address = TRY(read_address(ctx, header.name, static_cast<i32>(namelen)));
    auto segments = TRY(read_iovecs(ctx, UserPtr<abi::IoVec>(header.iov), static_cast<int>(header.iovlen)));
    std::vector<frame::UserReader> readers;
    for (const auto& segment : segments)
        readers.push_back(TRY(frame::UserReader::create(ctx.user(), segment.base, segment.len)));
    message.data = GatherReader(std::move(readers));
    if (header.controllen > static_cast<u64>(INT32_MAX) || header.controllen > max_control_bytes)
        return Errno::enobufs;
    if (header.controllen >= sizeof(abi::CmsgHdr)) {
        std::vector<u8> control(header.controllen);
        TRY(ctx.user().read_bytes(header.control, control));
        TRY(parse_control(ctx, socket, control, message));
    }
    message.flags = flags;
    return static_cast<long>(TRY(socket.send(ctx, message)));
}

/// Writes control messages into the guest's msg_control, as put_cmsg and scm_detach_fds do:
/// what does not fit is cut (MSG_CTRUNC) and passed files that find no room are closed.
class ControlWriter {
public:
    ControlWriter(Context& ctx, u64 addr, u64 len) : m_ctx(ctx), m_addr(addr), m_len(len) {}

    u64 used() const { return m_used; }
    int flags() const { return m_flags; }

    Result<void> put(int type, std::span<const u8> data)
    {
        u64 room = m_len - m_used;
        if (room < sizeof(abi::CmsgHdr)) {
            m_flags |= abi::msg_ctrunc;
            return {};
        }
        u64 length = abi::cmsg_len(data.size());
        if (length > room) {
            m_flags |= abi::msg_ctrunc;
            length = room;
        }
        abi::CmsgHdr header {length, abi::sol_socket, type};
        TRY(m_ctx.user().write_bytes(m_addr + m_used, object_bytes(header)));
        TRY(m_ctx.user().write_bytes(m_addr + m_used + sizeof(header), data.first(length - sizeof(header))));
        m_used += std::min(abi::cmsg_space(data.size()), room);
        return {};
    }

    Result<void> put_files(const std::vector<Ref<File>>& files, bool is_cloexec)
    {
        u64 room = m_len - m_used;
        usize fit = room < sizeof(abi::CmsgHdr) ? 0 : (room - sizeof(abi::CmsgHdr)) / sizeof(i32);
        std::vector<i32> fds;
        for (usize i = 0; i < std::min(fit, files.size()); ++i) {
            auto fd = m_ctx.files().install(files[i], is_cloexec, 0, install_limit(m_ctx));
            if (fd.is_error())
                break;
            fds.push_back(fd.value());
        }
        if (fds.size() < files.size())
            m_flags |= abi::msg_ctrunc;
        if (fds.empty())
            return {};
        std::vector<u8> data(fds.size() * sizeof(i32));
        for (usize i = 0; i < fds.size(); ++i) {
            auto bytes = object_bytes(fds[i]);
            std::copy(bytes.begin(), bytes.end(), data.begin() + static_cast<long>(i * sizeof(i32)));
        }
        abi::CmsgHdr header {abi::cmsg_len(data.size()), abi::sol_socket, abi::scm_rights};
        auto written = m_ctx.user().write_bytes(m_addr + m_used, object_bytes(header));
        if (!written.is_error())
            written = m_ctx.user().write_bytes(m_addr + m_used + sizeof(header), data);
        if (written.is_error()) {
            for (i32 fd : fds)
                static_cast<void>(m_ctx.files().close(fd));
            return written.error();
        }
        m_used += std::min(abi::cmsg_space(data.size()), room);
        return {};
    }

private:
    Context& m_ctx;
    u64 m_addr, m_len, m_used {0};
    int m_flags {0};
};

Result<long> receive_one(Context& ctx, Socket& socket, u64 header_addr, const abi::MsgHdr& header, int flags)
{
    if (header.iovlen > static_cast<u64>(abi::iov_max))
        return Errno::emsgsize;
    if (header.name && static_cast<i32>(header.namelen) < 0)
        return Errno::einval;
    auto segments = TRY(read_iovecs(ctx, UserPtr<abi::IoVec>(header.iov), static_cast<int>(header.iovlen)));
    std::vector<frame::UserWriter> writers;
    for (const auto& segment : segments)
        writers.push_back(TRY(frame::UserWriter::create(ctx.user(), segment.base, segment.len)));
    ReceiveMessage message;
    message.data = ScatterWriter(std::move(writers));
    message.flags = flags;
    long received = static_cast<long>(TRY(socket.receive(ctx, message)));
    u32 namelen = 0;
    if (header.name) {
        u32 room = std::min(header.namelen, abi::sockaddr_storage_bytes);
        usize n = std::min<usize>(room, message.address.size());
        if (n)
            TRY(ctx.user().write_bytes(header.name, std::span<const u8>(message.address).first(n)));
        namelen = static_cast<u32>(message.address.size());
    }
    ControlWriter control(ctx, header.control, header.controllen);
    if (message.credentials)
        TRY(control.put(abi::scm_credentials, object_bytes(*message.credentials)));
    if (!message.files.empty())
        TRY(control.put_files(message.files, flags & abi::msg_cmsg_cloexec));
    TRY(ctx.user().write(UserPtr<u32>(header_addr + offsetof(abi::MsgHdr, namelen)), namelen));
    TRY(ctx.user().write(UserPtr<u64>(header_addr + offsetof(abi::MsgHdr, controllen)), control.used()));
    TRY(ctx.user().write(UserPtr<i32>(header_addr + offsetof(abi::MsgHdr, flags)), message.out_flags | control.flags() | (flags & abi::msg_cmsg_cloexec)));
    return received;
}

} // namespace

Result<long> socket_readv(Context& ctx, Socket& socket, UserPtr<abi::IoVec> iov, int iovcnt)
{
    auto segments = TRY(read_iovecs(ctx, iov, iovcnt));
    std::vector<frame::UserWriter> writers;
    for (const auto& segment : segments)
        writers.push_back(TRY(frame::UserWriter::create(ctx.user(), segment.base, segment.len)));
    ReceiveMessage message;
    message.data = ScatterWriter(std::move(writers));
    return static_cast<long>(TRY(socket.receive(ctx, message)));
}

Result<long> socket_writev(Context& ctx, Socket& socket, UserPtr<abi::IoVec> iov, int iovcnt)
{
    auto segments = TRY(read_iovecs(ctx, iov, iovcnt));
    std::vector<frame::UserReader> readers;
    for (const auto& segment : segments)
        readers.push_back(TRY(frame::UserReader::create(ctx.user(), segment.base, segment.len)));
    SendMessage message;
    message.data = GatherReader(std::move(readers));
    return static_cast<long>(TRY(socket.send(ctx, message)));
}

Result<long> sys_socket(Context& ctx, int domain, int type, int protocol)
{
    int flags = type & ~abi::sock_type_mask;
    if (flags & ~(abi::sock_cloexec | abi::sock_nonblock))
        return Errno::einval;
    auto socket = TRY(create_socket(domain, type & abi::sock_type_mask, protocol, (flags & abi::sock_nonblock) ? o_nonblock : 0));
    return TRY(ctx.files().install(socket, flags & abi::sock_cloexec, 0, install_limit(ctx)));
}

Result<long> sys_socketpair(Context& ctx, int domain, int type, int protocol, UserPtr<std::array<i32, 2>> fds)
{
    int flags = type & ~abi::sock_type_mask;
    if (flags & ~(abi::sock_cloexec | abi::sock_nonblock))
        return Errno::einval;
    auto pair = TRY(create_socket_pair(domain, type & abi::sock_type_mask, protocol, (flags & abi::sock_nonblock) ? o_nonblock : 0));
    TRY(install_pair(ctx, pair.first, pair.second, flags & abi::sock_cloexec, fds));
    return 0;
}

Result<long> sys_bind(Context& ctx, int fd, u64 addr, u32 len)
{
    auto socket = TRY(socket_of(ctx, fd));
    auto address = TRY(read_address(ctx, addr, static_cast<i32>(len)));
    TRY(socket->bind(ctx, address));
    return 0;
}

Result<long> sys_listen(Context& ctx, int fd, int backlog)
{
    auto socket = TRY(socket_of(ctx, fd));
    TRY(socket->listen(backlog));
    return 0;
}

Result<long> sys_accept4(Context& ctx, int fd, u64 addr, u64 len, int flags)
{
    if (flags & ~(abi::sock_cloexec | abi::sock_nonblock))
        return Errno::einval;
    auto socket = TRY(socket_of(ctx, fd));
    auto accepted = TRY(socket->accept((flags & abi::sock_nonblock) ? o_nonblock : 0));
    if (addr) {
        auto peer = accepted->peer_address();
        std::vector<u8> bytes = peer.is_error() ? std::vector<u8> {} : peer.value();
        TRY(write_address(ctx, addr, len, bytes));
    }
    return TRY(ctx.files().install(accepted, flags & abi::sock_cloexec, 0, install_limit(ctx)));
}

Result<long> sys_accept(Context& ctx, int fd, u64 addr, u64 len) { return sys_accept4(ctx, fd, addr, len, 0); }

Result<long> sys_connect(Context& ctx, int fd, u64 addr, u32 len)
{
    auto socket = TRY(socket_of(ctx, fd));
    auto address = TRY(read_address(ctx, addr, static_cast<i32>(len)));
    TRY(socket->connect(ctx, address));
    return 0;
}

Result<long> sys_shutdown(Context& ctx, int fd, int how)
{
    auto socket = TRY(socket_of(ctx, fd));
    TRY(socket->shutdown(how));
    return 0;
}

Result<long> sys_getsockname(Context& ctx, int fd, u64 addr, u64 len)
{
    auto socket = TRY(socket_of(ctx, fd));
    auto bytes = TRY(socket->local_address());
    TRY(write_address(ctx, addr, len, bytes, false));
    return 0;
}

Result<long> sys_getpeername(Context& ctx, int fd, u64 addr, u64 len)
{
    auto socket = TRY(socket_of(ctx, fd));
    auto bytes = TRY(socket->peer_address());
    TRY(write_address(ctx, addr, len, bytes, false));
    return 0;
}

Result<long> sys_sendto(Context& ctx, int fd, u64 buf, u64 len, int flags, u64 addr, u32 addr_len)
{
    auto socket = TRY(socket_of(ctx, fd));
    SendMessage message;
    message.data = GatherReader({TRY(frame::UserReader::create(ctx.user(), buf, std::min(len, abi::max_rw_count)))});
    if (addr)
        message.address = TRY(read_address(ctx, addr, static_cast<i32>(addr_len)));
    message.flags = flags;
    return static_cast<long>(TRY(socket->send(ctx, message)));
}

Result<long> sys_recvfrom(Context& ctx, int fd, u64 buf, u64 len, int flags, u64 addr, u64 addr_len)
{
    auto socket = TRY(socket_of(ctx, fd));
    ReceiveMessage message;
    message.data = ScatterWriter({TRY(frame::UserWriter::create(ctx.user(), buf, std::min(len, abi::max_rw_count)))});
    message.flags = flags;
    long received = static_cast<long>(TRY(socket->receive(ctx, message)));
    TRY(write_address(ctx, addr, addr_len, message.address));
    return received;
}

Result<long> sys_sendmsg(Context& ctx, int fd, u64 msg, int flags)
{
    auto socket = TRY(socket_of(ctx, fd));
    auto header = TRY(ctx.user().read(UserPtr<abi::MsgHdr>(msg)));
    return send_one(ctx, *socket, header, flags);
}

Result<long> sys_recvmsg(Context& ctx, int fd, u64 msg, int flags)
{
    auto socket = TRY(socket_of(ctx, fd));
    auto header = TRY(ctx.user().read(UserPtr<abi::MsgHdr>(msg)));
    return receive_one(ctx, *socket, msg, header, flags);
}

Result<long> sys_sendmmsg(Context& ctx, int fd, UserPtr<abi::MMsgHdr> vec, u32 vlen, int flags)
{
    auto socket = TRY(socket_of(ctx, fd));
    vlen = std::min<u32>(vlen, abi::iov_max);
    long sent = 0;
    for (u32 i = 0; i < vlen; ++i) {
        auto entry = ctx.user().read(vec.element(i));
        Result<long> result = entry.is_error() ? Result<long>(entry.error()) : send_one(ctx, *socket, entry.value().hdr, flags);
        if (result.is_error())
            return sent ? Result<long>(sent) : result.error();
        TRY(ctx.user().write(UserPtr<u32>(vec.element(i).addr() + offsetof(abi::MMsgHdr, len)), static_cast<u32>(result.value())));
        ++sent;
    }
    return sent;
}

Result<long> sys_recvmmsg(Context& ctx, int fd, UserPtr<abi::MMsgHdr> vec, u32 vlen, int flags, UserPtr<abi::Timespec> timeout)
{
    auto socket = TRY(socket_of(ctx, fd));
    u64 deadline = ~0ull;
    if (!timeout.is_null()) {
        auto ts = TRY(ctx.user().read(timeout));
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1'000'000'000)
            return Errno::einval;
        deadline = frame::monotonic_ns() + static_cast<u64>(ts.sec) * 1'000'000'000 + static_cast<u64>(ts.nsec);
    }
    vlen = std::min<u32>(vlen, abi::iov_max);
    long received = 0;
    for (u32 i = 0; i < vlen; ++i) {
        auto entry = ctx.user().read(vec.element(i));
        Result<long> result = entry.is_error() ? Result<long>(entry.error())
                                               : receive_one(ctx, *socket, vec.element(i).addr(), entry.value().hdr, flags & ~abi::msg_waitforone);
        if (result.is_error())
            return received ? Result<long>(received) : result.error();
        TRY(ctx.user().write(UserPtr<u32>(vec.element(i).addr() + offsetof(abi::MMsgHdr, len)), static_cast<u32>(result.value())));
        ++received;
        // MSG_WAITFORONE: only the first datagram is waited for.
        if (flags & abi::msg_waitforone)
            flags |= abi::msg_dontwait;
        if (frame::monotonic_ns() >= deadline)
            break;
    }
    if (!timeout.is_null()) {
        u64 now = frame::monotonic_ns();
        u64 left = deadline > now ? deadline - now : 0;
        TRY(ctx.user().write(timeout, abi::Timespec {static_cast<i64>(left / 1'000'000'000), static_cast<i64>(left % 1'000'000'000)}));
    }
    return received;
}

Result<long> sys_setsockopt(Context& ctx, int fd, int level, int name, u64 value, u32 len)
{
    auto socket = TRY(socket_of(ctx, fd));
    if (static_cast<i32>(len) < 0)
        return Errno::einval;
    std::vector<u8> bytes(std::min(len, max_option_bytes));
    if (!bytes.empty())
        TRY(ctx.user().read_bytes(value, bytes));
    TRY(socket->set_option(level, name, bytes));
    return 0;
}

Result<long> sys_getsockopt(Context& ctx, int fd, int level, int name, u64 value, u64 len)
{
    auto socket = TRY(socket_of(ctx, fd));
    i32 room = TRY(ctx.user().read(UserPtr<i32>(len)));
    if (room < 0)
        return Errno::einval;
    auto bytes = TRY(socket->get_option(level, name));
    usize n = std::min<usize>(static_cast<usize>(room), bytes.size());
    if (n)
        TRY(ctx.user().write_bytes(value, std::span<const u8>(bytes).first(n)));
    TRY(ctx.user().write(UserPtr<i32>(len), static_cast<i32>(n)));
    return 0;
}

} // namespace asterix::services
