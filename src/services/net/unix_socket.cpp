// AF_UNIX sockets (unix(7)): stream, datagram and seqpacket sockets whose names live in the
// abstract namespace or in the file system, with SCM_RIGHTS, SCM_CREDENTIALS and SO_PEERCRED.
// Nothing here reaches the host: a name in a hostfs directory is a placeholder socket file on
// the host plus an entry in this kernel's table, so a socket file some host process made is
// not in the table and connecting to it is ECONNREFUSED.

#include "services/net/unix_socket.h"

#include "services/fs/permission.h"

#include <algorithm>
#include <map>
#include <set>

#include "services/abi/un.h"
#include "services/fs/inode.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {

/// net.unix.max_dgram_qlen: datagrams a socket queues before senders wait.
constexpr usize max_datagram_queue = 10;
/// What a queued message costs besides its bytes (Linux charges the sk_buff's truesize), so a
/// flood of empty messages is bounded by SO_SNDBUF too.
constexpr usize message_overhead_bytes = 512;

std::map<std::string, UnixEndpoint*>& abstract_names()
{
    static std::map<std::string, UnixEndpoint*> names;
    return names;
}

/// Sockets bound to a name in the file system, by the socket inode's device and inode number.
std::map<std::pair<u64, u64>, UnixEndpoint*>& inode_names()
{
    static std::map<std::pair<u64, u64>, UnixEndpoint*> names;
    return names;
}

std::map<u32, u64>& in_flight_by_user()
{
    static std::map<u32, u64> counts;
    return counts;
}

struct UnixName {
    std::string bytes;
    bool is_abstract;
};

/// unix_validate_addr and unix_mkname: EINVAL for a length outside (2, 110] or another family.
/// A path name ends at its first NUL; an abstract name is every byte given.
Result<UnixName> parse_name(std::span<const u8> address)
{
    if (address.size() <= abi::sun_path_offset || address.size() > sizeof(abi::SockAddrUn))
        return Errno::einval;
    if ((address[0] | (address[1] << 8)) != abi::af_unix)
        return Errno::einval;
    auto path = address.subspan(abi::sun_path_offset);
    if (path[0] == 0)
        return UnixName {std::string(path.begin(), path.end()), true};
    auto end = std::find(path.begin(), path.end(), u8 {0});
    return UnixName {std::string(path.begin(), end), false};
}

/// The sockaddr_un of a name: a path gets its terminating NUL counted, as Linux reports it.
std::vector<u8> encode_name(const std::string& name)
{
    std::vector<u8> out;
    out.reserve(abi::sun_path_offset + name.size() + 1);
    out.push_back(static_cast<u8>(abi::af_unix));
    out.push_back(0);
    for (char c : name)
        out.push_back(static_cast<u8>(c));
    if (!name.empty() && name[0] != 0)
        out.push_back(0);
    return out;
}

/// SO_PEERCRED's view of the caller: its process and effective IDs.
abi::UCred caller_peer_credentials()
{
    Thread* thread = ProcessTable::current_thread();
    if (!thread)
        return {0, ~0u, ~0u};
    const Credentials& creds = thread->credentials();
    return {thread->process().pid(), creds.euid, creds.egid};
}

/// SCM_CREDENTIALS' default: the sender's process and real IDs.
abi::UCred caller_scm_credentials()
{
    Thread* thread = ProcessTable::current_thread();
    if (!thread)
        return {0, ~0u, ~0u};
    const Credentials& creds = thread->credentials();
    return {thread->process().pid(), creds.uid, creds.gid};
}

u32 caller_uid()
{
    Thread* thread = ProcessTable::current_thread();
    return thread ? thread->credentials().uid : 0;
}

/// unix_find_other: the socket a name leads to. A file that is not a socket, or a socket file
/// that no guest socket is bound to (a stale name, or one a host process made), refuses.
Result<Ref<UnixEndpoint>> find_endpoint(Context& ctx, const UnixName& name, int type)
{
    UnixEndpoint* found = nullptr;
    if (name.is_abstract) {
        auto it = abstract_names().find(name.bytes);
        if (it == abstract_names().end())
            return Errno::econnrefused;
        found = it->second;
    } else {
        auto dentry = TRY(lookup_at(ctx, abi::at_fdcwd, name.bytes, 0));
        Inode& inode = dentry->inode();
        // unix_find_bsd: write permission on the name, before its type is looked at.
        TRY(inode_permission(ctx.thread().credentials(), inode, may_write));
        if (inode.type_bits() != s_ifsock)
            return Errno::econnrefused;
        auto st = TRY(inode.stat());
        auto it = inode_names().find({st.dev, st.ino});
        if (it == inode_names().end())
            return Errno::econnrefused;
        found = it->second;
    }
    if (found->type != type)
        return Errno::eprototype;
    return Ref<UnixEndpoint>(found);
}

u64 g_next_autobind = 0;

/// Every AF_UNIX socket file alive, for the collector of SCM_RIGHTS cycles.
std::set<UnixSocket*>& live_sockets()
{
    static std::set<UnixSocket*> sockets;
    return sockets;
}

/// Calls `visit` with every file queued on `socket`, its pending connections' queues included.
template<typename Visit>
void for_each_queued_file(UnixSocket& socket, Visit&& visit)
{
    auto visit_queue = [&](UnixEndpoint& end) {
        for (const auto& message : end.messages) {
            for (const auto& file : message.files.files())
                visit(file.ptr());
        }
    };
    visit_queue(socket.endpoint());
    for (const auto& pending : socket.endpoint().pending)
        visit_queue(pending->endpoint());
}

bool g_is_collecting = false;

} // namespace

/// unix_gc: a socket whose every reference is a queued SCM_RIGHTS message, reachable only
/// from sockets like it, can never be read again. Such a cycle (a socket passed over itself,
/// two passed to each other) would keep its files for ever; this finds them the way Linux's
/// collector does and empties their queues, which frees them.
void collect_unix_cycles()
{
    if (g_is_collecting || InFlightFiles::total() == 0)
        return;
    g_is_collecting = true;
    std::map<File*, u32> in_flight;
    for (UnixSocket* socket : live_sockets())
        for_each_queued_file(*socket, [&](File* file) { ++in_flight[file]; });
    // Candidates: sockets that only queued messages hold.
    std::map<File*, UnixSocket*> candidates;
    for (UnixSocket* socket : live_sockets()) {
        auto it = in_flight.find(socket);
        if (it != in_flight.end() && it->second == socket->ref_count())
            candidates[socket] = socket;
    }
    // References from candidates' own queues; a candidate with more references than that is
    // held from outside, and so is everything queued on it.
    std::map<File*, u32> internal;
    for (auto& [file, socket] : candidates)
        for_each_queued_file(*socket, [&](File* queued) {
            if (candidates.contains(queued))
                ++internal[queued];
        });
    std::set<File*> reachable;
    std::vector<UnixSocket*> work;
    for (auto& [file, socket] : candidates) {
        if (socket->ref_count() > internal[file]) {
            reachable.insert(file);
            work.push_back(socket);
        }
    }
    while (!work.empty()) {
        UnixSocket* socket = work.back();
        work.pop_back();
        for_each_queued_file(*socket, [&](File* queued) {
            auto it = candidates.find(queued);
            if (it != candidates.end() && reachable.insert(queued).second)
                work.push_back(it->second);
        });
    }
    std::vector<std::deque<UnixMessage>> garbage;
    for (auto& [file, socket] : candidates) {
        if (reachable.contains(file))
            continue;
        UnixEndpoint& end = socket->endpoint();
        garbage.push_back(std::move(end.messages));
        end.messages.clear();
        end.queued_bytes = 0;
        for (auto& pending : end.pending) {
            garbage.push_back(std::move(pending->endpoint().messages));
            pending->endpoint().messages.clear();
            pending->endpoint().queued_bytes = 0;
        }
    }
    // Dropping the messages releases the sockets of the cycle, one after the other.
    for (auto& queue : garbage) {
        for (auto& message : queue) {
            if (message.sender)
                message.sender->sent_bytes -= std::min(message.sender->sent_bytes, message.charge);
        }
    }
    garbage.clear();
    g_is_collecting = false;
}

InFlightFiles::InFlightFiles(std::vector<Ref<File>> files, u32 uid) : m_files(std::move(files)), m_uid(uid)
{
    if (!m_files.empty())
        in_flight_by_user()[m_uid] += m_files.size();
}

InFlightFiles::InFlightFiles(InFlightFiles&& other) noexcept : m_files(std::move(other.m_files)), m_uid(other.m_uid)
{
    other.m_files.clear();
}

InFlightFiles& InFlightFiles::operator=(InFlightFiles&& other) noexcept
{
    if (this != &other) {
        release();
        m_files = std::move(other.m_files);
        m_uid = other.m_uid;
        other.m_files.clear();
    }
    return *this;
}

InFlightFiles::~InFlightFiles() { release(); }

void InFlightFiles::release()
{
    if (m_files.empty())
        return;
    auto& counts = in_flight_by_user();
    if (auto it = counts.find(m_uid); it != counts.end()) {
        it->second -= std::min<u64>(it->second, m_files.size());
        if (it->second == 0)
            counts.erase(it);
    }
    // Closing a passed file can release a socket whose queue refers back here: let go of the
    // list before the files go.
    auto files = std::move(m_files);
    m_files.clear();
}

u64 InFlightFiles::total()
{
    u64 sum = 0;
    for (const auto& [uid, count] : in_flight_by_user())
        sum += count;
    return sum;
}

u64 InFlightFiles::count_for(u32 uid)
{
    auto it = in_flight_by_user().find(uid);
    return it == in_flight_by_user().end() ? 0 : it->second;
}

UnixEndpoint::~UnixEndpoint() = default;

void UnixEndpoint::wake()
{
    changed.wake_all();
    Socket::notify_readiness();
}

void UnixEndpoint::pop_front()
{
    UnixMessage message = std::move(messages.front());
    messages.pop_front();
    queued_bytes -= message.bytes.size() - message.offset;
    if (message.sender) {
        message.sender->sent_bytes -= std::min(message.sender->sent_bytes, message.charge);
        message.sender->wake();
    }
    wake();
}

void UnixEndpoint::release()
{
    if (is_released)
        return;
    is_released = true;
    if (name && (*name)[0] == 0) {
        if (auto it = abstract_names().find(*name); it != abstract_names().end() && it->second == this)
            abstract_names().erase(it);
    }
    if (inode_key) {
        if (auto it = inode_names().find(*inode_key); it != inode_names().end() && it->second == this)
            inode_names().erase(it);
    }
    Ref<UnixEndpoint> old_peer = std::move(peer);
    peer = {};
    if (old_peer) {
        if (type != abi::sock_dgram) {
            // unix_release_sock: the peer can neither read more nor write; unread data or a
            // connection never accepted resets it.
            old_peer->is_read_shut = old_peer->is_write_shut = true;
            if (!messages.empty() || is_embryo)
                old_peer->error = static_cast<int>(Errno::econnreset);
        }
        old_peer->wake();
    }
    // Dropping queued messages closes passed files and pending connections, which may release
    // other endpoints: take them out of this one first.
    std::deque<UnixMessage> dropped = std::move(messages);
    messages.clear();
    queued_bytes = 0;
    std::deque<Ref<UnixSocket>> refused = std::move(pending);
    pending.clear();
    wake();
    for (auto& message : dropped) {
        if (message.sender) {
            message.sender->sent_bytes -= std::min(message.sender->sent_bytes, message.charge);
            message.sender->wake();
        }
    }
}

UnixSocket::UnixSocket(int type, u32 status_flags)
    : Socket(abi::af_unix, type, 0, status_flags), m_end(make_ref<UnixEndpoint>(type))
{
    live_sockets().insert(this);
}

UnixSocket::~UnixSocket()
{
    live_sockets().erase(this);
    m_end->release();
    collect_unix_cycles();
}

int UnixSocket::take_error()
{
    int error = m_end->error;
    m_end->error = 0;
    return error;
}

Result<void> UnixSocket::autobind()
{
    if (m_end->name)
        return {};
    // unix_autobind: a NUL and five hex digits, the first free one.
    for (u32 tries = 0; tries < 0x100000; ++tries) {
        static constexpr char digits[] = "0123456789abcdef";
        u64 number = g_next_autobind++ & 0xfffff;
        std::string name(1, '\0');
        for (int shift = 16; shift >= 0; shift -= 4)
            name.push_back(digits[(number >> shift) & 0xf]);
        if (abstract_names().contains(name))
            continue;
        abstract_names()[name] = m_end.ptr();
        m_end->name = name;
        return {};
    }
    return Errno::enospc;
}

Result<void> UnixSocket::bind(Context& ctx, std::span<const u8> address)
{
    if (address.size() == abi::sun_path_offset && (address[0] | (address[1] << 8)) == abi::af_unix)
        return autobind();
    auto name = TRY(parse_name(address));
    if (name.is_abstract) {
        if (m_end->name)
            return Errno::einval;
        if (abstract_names().contains(name.bytes))
            return Errno::eaddrinuse;
        abstract_names()[name.bytes] = m_end.ptr();
        m_end->name = name.bytes;
        return {};
    }
    auto where = TRY(lookup_parent_at(ctx, abi::at_fdcwd, name.bytes));
    if (where.name.empty() || where.name == "." || where.name == ".." || !where.parent->child(where.name).is_error())
        return Errno::eaddrinuse;
    if (m_end->name)
        return Errno::einval;
    TRY(check_writable_fs(*where.parent));
    // bind(2) makes the name as mknod(S_IFSOCK) would: write and search on the directory.
    const Credentials& creds = ctx.thread().credentials();
    Inode& dir = where.parent->inode();
    TRY(may_create(creds, dir));
    u32 mode = s_ifsock | (0777 & ~ctx.process().fs()->umask);
    Owner owner = TRY(owner_of_new(creds, dir, mode));
    auto made = dir.mksock(where.name, mode & 07777, owner);
    if (made.is_error())
        return made.error() == Errno::eexist ? Errno::eaddrinuse : made.error();
    auto child = TRY(where.parent->child(where.name));
    auto st = TRY(child->inode().stat());
    // A socket file of ours that was unlinked can leave its number to this new one: the old
    // socket is unreachable by name then, so the new binding takes the entry.
    inode_names()[{st.dev, st.ino}] = m_end.ptr();
    m_end->inode_key = std::pair {st.dev, st.ino};
    m_end->name = name.bytes;
    return {};
}

Result<void> UnixSocket::listen(int backlog)
{
    if (type() == abi::sock_dgram)
        return Errno::enotsup;
    if (!m_end->name)
        return Errno::einval;
    if (m_end->state == UnixEndpoint::State::connected)
        return Errno::einval;
    u32 wanted = static_cast<u32>(backlog);
    m_end->backlog = std::min(wanted, abi::somaxconn);
    m_end->state = UnixEndpoint::State::listening;
    // init_peercred: a listener's SO_PEERCRED is its own, and what connecting sockets get.
    m_end->peer_credentials = caller_peer_credentials();
    m_end->wake();
    return {};
}

Result<Ref<Socket>> UnixSocket::accept(u32 status_flags)
{
    if (type() == abi::sock_dgram)
        return Errno::enotsup;
    if (m_end->state != UnixEndpoint::State::listening)
        return Errno::einval;
    u64 timeout = options().receive_timeout_ns;
    u64 deadline = deadline_after(timeout);
    while (m_end->pending.empty())
        TRY(wait(m_end->changed, 0, deadline, timeout, "unix accept"));
    Ref<UnixSocket> accepted = std::move(m_end->pending.front());
    m_end->pending.pop_front();
    accepted->endpoint().is_embryo = false;
    accepted->set_status_flags(o_rdwr | status_flags);
    accepted->options().is_passing_credentials = options().is_passing_credentials;
    m_end->wake();
    return Ref<Socket>(accepted);
}

Result<void> UnixSocket::connect(Context& ctx, std::span<const u8> address)
{
    return is_connection_based() ? connect_stream(ctx, address) : connect_datagram(ctx, address);
}

Result<void> UnixSocket::connect_stream(Context& ctx, std::span<const u8> address)
{
    auto name = TRY(parse_name(address));
    if (options().is_passing_credentials)
        TRY(autobind());
    u64 timeout = options().send_timeout_ns;
    u64 deadline = deadline_after(timeout);
    Ref<UnixEndpoint> target;
    for (;;) {
        target = TRY(find_endpoint(ctx, name, type()));
        if (target->state != UnixEndpoint::State::listening || target->is_released)
            return Errno::econnrefused;
        // unix_recvq_full: a listener takes one more than its backlog.
        if (target->pending.size() <= target->backlog)
            break;
        TRY(wait(target->changed, 0, deadline, timeout, "unix connect"));
    }
    if (m_end->state == UnixEndpoint::State::connected)
        return Errno::eisconn;
    if (m_end->state != UnixEndpoint::State::unconnected)
        return Errno::einval;
    auto server = make_ref<UnixSocket>(type(), o_rdwr);
    UnixEndpoint& accepted = server->endpoint();
    accepted.state = UnixEndpoint::State::connected;
    accepted.is_embryo = true;
    accepted.name = target->name;
    accepted.peer = m_end;
    accepted.peer_credentials = caller_peer_credentials();
    m_end->peer = server->endpoint_ref();
    m_end->state = UnixEndpoint::State::connected;
    m_end->peer_credentials = target->peer_credentials;
    target->pending.push_back(server);
    target->wake();
    m_end->wake();
    return {};
}

Result<void> UnixSocket::connect_datagram(Context& ctx, std::span<const u8> address)
{
    if (address.size() < sizeof(u16))
        return Errno::einval;
    if ((address[0] | (address[1] << 8)) == abi::af_unspec) {
        // connect(2): AF_UNSPEC dissolves a datagram socket's association.
        m_end->peer = {};
        m_end->state = UnixEndpoint::State::unconnected;
        m_end->wake();
        return {};
    }
    auto name = TRY(parse_name(address));
    if (options().is_passing_credentials)
        TRY(autobind());
    auto target = TRY(find_endpoint(ctx, name, type()));
    if (target->peer && target->peer.ptr() != m_end.ptr())
        return Errno::eperm;
    m_end->peer = target;
    m_end->state = UnixEndpoint::State::connected;
    m_end->wake();
    return {};
}

Result<void> UnixSocket::shutdown(int how)
{
    if (how < abi::shut_rd || how > abi::shut_rdwr)
        return Errno::einval;
    bool is_read = how != abi::shut_wr;
    bool is_write = how != abi::shut_rd;
    if (is_read)
        m_end->is_read_shut = true;
    if (is_write)
        m_end->is_write_shut = true;
    // unix_shutdown: a connected peer sees the mirror image.
    if (is_connection_based() && m_end->peer) {
        if (is_write)
            m_end->peer->is_read_shut = true;
        if (is_read)
            m_end->peer->is_write_shut = true;
        m_end->peer->wake();
    }
    m_end->wake();
    return {};
}

Result<std::vector<u8>> UnixSocket::local_address() { return encode_name(m_end->name.value_or("")); }

Result<std::vector<u8>> UnixSocket::peer_address()
{
    if (!m_end->peer || m_end->state != UnixEndpoint::State::connected)
        return Errno::enotconn;
    return encode_name(m_end->peer->name.value_or(""));
}

Result<UnixMessage> UnixSocket::make_message(SendMessage& message, std::vector<u8> bytes)
{
    UnixMessage out;
    // Queued bytes are kernel memory a guest makes the instance hold, however many sockets it
    // opens: charged to the bound (ENOMEM) before anything, files included, moves.
    TRY(out.kernel_charge.grow(bytes.size() + message_overhead_bytes));
    out.bytes = std::move(bytes);
    out.credentials = message.credentials ? *message.credentials : caller_scm_credentials();
    out.sender_name = m_end->name.value_or("");
    out.sender = m_end;
    out.charge = out.bytes.size() + message_overhead_bytes;
    if (!message.files.empty()) {
        out.files = InFlightFiles(std::move(message.files), caller_uid());
        message.files.clear();
    }
    return out;
}

void UnixSocket::push_message(UnixEndpoint& target, UnixMessage message)
{
    m_end->sent_bytes += message.charge;
    target.queued_bytes += message.bytes.size();
    target.messages.push_back(std::move(message));
    target.wake();
}

Result<usize> UnixSocket::send(Context& ctx, SendMessage& message)
{
    if (message.flags & abi::msg_oob)
        return Errno::enotsup;
    if (type() == abi::sock_stream)
        return send_stream(ctx, message);
    return send_datagram(ctx, message);
}

Result<usize> UnixSocket::send_stream(Context& ctx, SendMessage& message)
{
    if (message.address)
        return m_end->state == UnixEndpoint::State::connected ? Errno::eisconn : Errno::enotsup;
    if (m_end->state != UnixEndpoint::State::connected || !m_end->peer)
        return m_end->is_write_shut ? Errno::epipe : Errno::enotconn;
    u64 timeout = options().send_timeout_ns;
    u64 deadline = deadline_after(timeout);
    usize sent = 0;
    auto partial = [&](Errno error) -> Result<usize> { return sent ? Result<usize>(sent) : error; };
    while (message.data.remaining() > 0) {
        // Held by reference: copying the guest's bytes may block, and the peer may close then.
        Ref<UnixEndpoint> peer = m_end->peer;
        auto is_broken = [&] { return m_end->is_write_shut || !peer || peer->is_released || peer->is_read_shut; };
        if (is_broken()) {
            if (!(message.flags & abi::msg_nosignal))
                send_signal(ctx.thread(), make_signal_info(sigpipe, si_kernel));
            return partial(Errno::epipe);
        }
        u32 limit = options().send_buffer_bytes;
        if (m_end->sent_bytes >= limit) {
            auto waited = wait(m_end->changed, message.flags, deadline, timeout, "unix send");
            if (waited.is_error())
                return partial(waited.error());
            continue;
        }
        // unix_stream_sendmsg: at most half the send buffer goes in one message.
        usize chunk_bytes = std::min<u64>(message.data.remaining(), limit / 2 - 64);
        std::vector<u8> bytes(chunk_bytes);
        auto got = message.data.read(bytes);
        if (got.is_error())
            return partial(got.error());
        bytes.resize(got.value());
        if (is_broken()) {
            if (!(message.flags & abi::msg_nosignal))
                send_signal(ctx.thread(), make_signal_info(sigpipe, si_kernel));
            return partial(Errno::epipe);
        }
        auto queued = make_message(message, std::move(bytes));
        if (queued.is_error())
            return partial(queued.error());
        push_message(*peer, queued.release_value());
        sent += got.value();
        if (got.value() < chunk_bytes)
            break;
    }
    return sent;
}

Result<usize> UnixSocket::send_datagram(Context& ctx, SendMessage& message)
{
    bool is_seqpacket = type() == abi::sock_seqpacket;
    if (is_seqpacket) {
        if (m_end->state != UnixEndpoint::State::connected)
            return Errno::enotconn;
        message.address.reset();
    }
    std::optional<UnixName> name;
    if (message.address)
        name = TRY(parse_name(*message.address));
    else if (!m_end->peer)
        return Errno::enotconn;
    if (options().is_passing_credentials)
        TRY(autobind());
    u64 length = message.data.remaining();
    if (length + 32 > options().send_buffer_bytes)
        return Errno::emsgsize;
    Ref<UnixEndpoint> target = name ? TRY(find_endpoint(ctx, *name, type())) : m_end->peer;
    std::vector<u8> bytes(length);
    TRY(message.data.read(bytes));
    u64 timeout = options().send_timeout_ns;
    u64 deadline = deadline_after(timeout);
    UnixMessage queued = TRY(make_message(message, std::move(bytes)));
    for (;;) {
        if (target->is_released) {
            if (target.ptr() == m_end->peer.ptr()) {
                m_end->peer = {};
                if (!is_seqpacket)
                    m_end->state = UnixEndpoint::State::unconnected;
            }
            if (is_seqpacket) {
                if (!(message.flags & abi::msg_nosignal))
                    send_signal(ctx.thread(), make_signal_info(sigpipe, si_kernel));
                return Errno::epipe;
            }
            return Errno::econnrefused;
        }
        if (!is_seqpacket && target->peer && target->peer.ptr() != m_end.ptr())
            return Errno::eperm;
        if (target->is_read_shut || (is_seqpacket && m_end->is_write_shut)) {
            if (is_seqpacket && !(message.flags & abi::msg_nosignal))
                send_signal(ctx.thread(), make_signal_info(sigpipe, si_kernel));
            return Errno::epipe;
        }
        bool is_queue_full = target->peer.ptr() != m_end.ptr() && target->messages.size() > max_datagram_queue;
        if (is_queue_full) {
            TRY(wait(target->changed, message.flags, deadline, timeout, "unix sendto"));
            continue;
        }
        if (m_end->sent_bytes >= options().send_buffer_bytes) {
            TRY(wait(m_end->changed, message.flags, deadline, timeout, "unix sendto"));
            continue;
        }
        break;
    }
    push_message(*target, std::move(queued));
    return length;
}

Result<usize> UnixSocket::receive(Context& ctx, ReceiveMessage& message)
{
    if (message.flags & abi::msg_oob)
        return Errno::enotsup;
    if (type() == abi::sock_stream && m_end->state != UnixEndpoint::State::connected)
        return Errno::einval;
    if (type() == abi::sock_seqpacket && m_end->state != UnixEndpoint::State::connected)
        return Errno::enotconn;
    // One receiver at a time works on the queue (Linux's iolock): copying into guest memory
    // may block, and a queued message must not go away under the copy.
    lock_receive();
    auto result = type() == abi::sock_stream ? receive_stream(message) : receive_datagram(message);
    unlock_receive();
    return result;
}

void UnixSocket::lock_receive()
{
    while (m_end->is_receiving)
        m_end->changed.wait();
    m_end->is_receiving = true;
}

void UnixSocket::unlock_receive()
{
    m_end->is_receiving = false;
    m_end->changed.wake_all();
}

Result<void> UnixSocket::wait_for_data(int flags, u64 deadline_ns, u64 timeout_ns)
{
    // The lock is let go while waiting, so another receiver is not kept out by an empty queue.
    unlock_receive();
    auto waited = wait(m_end->changed, flags, deadline_ns, timeout_ns, "unix recv");
    lock_receive();
    return waited;
}

Result<usize> UnixSocket::receive_stream(ReceiveMessage& message)
{
    bool is_peek = message.flags & abi::msg_peek;
    u64 wanted = message.data.remaining();
    if (wanted == 0)
        return 0;
    u64 target = (message.flags & abi::msg_waitall) ? wanted : 1;
    u64 timeout = options().receive_timeout_ns;
    u64 deadline = deadline_after(timeout);
    usize copied = 0;
    usize index = 0;
    usize peeked = 0;
    bool has_address = false;
    while (message.data.remaining() > 0) {
        if (index >= m_end->messages.size()) {
            if (copied >= target)
                break;
            if (m_end->error) {
                if (copied)
                    break;
                return static_cast<Errno>(take_error());
            }
            if (m_end->is_read_shut)
                break;
            auto waited = wait_for_data(message.flags, deadline, timeout);
            if (waited.is_error())
                return copied ? Result<usize>(copied) : waited.error();
            continue;
        }
        UnixMessage& queued = m_end->messages[index];
        if (copied && options().is_passing_credentials && message.credentials
            && (queued.credentials.pid != message.credentials->pid || queued.credentials.uid != message.credentials->uid))
            break;
        if (!has_address) {
            message.address = queued.sender_name.empty() ? std::vector<u8> {} : encode_name(queued.sender_name);
            has_address = true;
        }
        if (options().is_passing_credentials)
            message.credentials = queued.credentials;
        usize start = queued.offset + (is_peek ? peeked : 0);
        auto written = message.data.write(std::span<const u8>(queued.bytes).subspan(start));
        if (written.is_error())
            return copied ? Result<usize>(copied) : written.error();
        usize n = written.value();
        copied += n;
        bool has_files = !queued.files.is_empty();
        bool is_whole = start + n == queued.bytes.size();
        if (has_files && (is_whole || is_peek || n)) {
            for (const auto& file : queued.files.files())
                message.files.push_back(file);
            if (!is_peek)
                queued.files = InFlightFiles();
        }
        if (is_peek) {
            peeked += n;
            if (is_whole) {
                ++index;
                peeked = 0;
            }
        } else {
            queued.offset += n;
            m_end->queued_bytes -= n;
            if (is_whole)
                m_end->pop_front();
        }
        if (has_files)
            break;
        if (!is_whole)
            break;
    }
    return copied;
}

Result<usize> UnixSocket::receive_datagram(ReceiveMessage& message)
{
    u64 timeout = options().receive_timeout_ns;
    u64 deadline = deadline_after(timeout);
    while (m_end->messages.empty()) {
        if (m_end->error)
            return static_cast<Errno>(take_error());
        if (m_end->is_read_shut)
            return 0;
        TRY(wait_for_data(message.flags, deadline, timeout));
    }
    UnixMessage& queued = m_end->messages.front();
    usize length = queued.bytes.size();
    auto written = message.data.write(queued.bytes);
    message.address = queued.sender_name.empty() ? std::vector<u8> {} : encode_name(queued.sender_name);
    if (options().is_passing_credentials)
        message.credentials = queued.credentials;
    for (const auto& file : queued.files.files())
        message.files.push_back(file);
    if (!(message.flags & abi::msg_peek))
        m_end->pop_front();
    usize n = TRY(std::move(written));
    if (n < length)
        message.out_flags |= abi::msg_trunc;
    return (message.flags & abi::msg_trunc) ? length : n;
}

Result<int> UnixSocket::bytes_ready()
{
    if (m_end->state == UnixEndpoint::State::listening)
        return Errno::einval;
    if (type() == abi::sock_stream)
        return static_cast<int>(m_end->queued_bytes);
    return m_end->messages.empty() ? 0 : static_cast<int>(m_end->messages.front().bytes.size());
}

u32 UnixSocket::poll_events()
{
    const UnixEndpoint& end = *m_end;
    u32 events = 0;
    if (end.error)
        events |= abi::pollerr;
    if (end.is_read_shut && end.is_write_shut)
        events |= abi::pollhup;
    if (end.is_read_shut)
        events |= abi::pollrdhup | abi::pollin | abi::pollrdnorm;
    if (!end.messages.empty() || !end.pending.empty())
        events |= abi::pollin | abi::pollrdnorm;
    if (is_connection_based() && end.state == UnixEndpoint::State::unconnected)
        events |= abi::pollhup;
    // unix_writable: a quarter of the send buffer in flight at most.
    bool is_writable = end.state != UnixEndpoint::State::listening && end.sent_bytes * 4 <= options().send_buffer_bytes;
    if (type() != abi::sock_stream && end.peer && end.peer->peer.ptr() != m_end.ptr()
        && end.peer->messages.size() > max_datagram_queue)
        is_writable = false;
    if (is_writable)
        events |= abi::pollout | abi::pollwrnorm | abi::pollwrband;
    return events;
}

Result<Ref<Socket>> create_unix_socket(int type, int protocol, u32 status_flags)
{
    if (protocol != 0 && protocol != abi::af_unix)
        return Errno::eprotonosupport;
    if (type == abi::sock_raw)
        type = abi::sock_dgram;
    if (type != abi::sock_stream && type != abi::sock_dgram && type != abi::sock_seqpacket)
        return Errno::esocktnosupport;
    // A cycle whose last descriptor was closed frees nothing by itself: look for one now.
    collect_unix_cycles();
    return Ref<Socket>(make_ref<UnixSocket>(type, status_flags));
}

Result<std::pair<Ref<Socket>, Ref<Socket>>> create_unix_socket_pair(int type, int protocol, u32 status_flags)
{
    auto first = TRY(create_unix_socket(type, protocol, status_flags));
    auto second = TRY(create_unix_socket(type, protocol, status_flags));
    // unix_socketpair: both ends connected, each with the caller as its SO_PEERCRED.
    auto& a = static_cast<UnixSocket&>(*first).endpoint();
    auto& b = static_cast<UnixSocket&>(*second).endpoint();
    a.peer = static_cast<UnixSocket&>(*second).endpoint_ref();
    b.peer = static_cast<UnixSocket&>(*first).endpoint_ref();
    a.state = b.state = UnixEndpoint::State::connected;
    a.peer_credentials = b.peer_credentials = caller_peer_credentials();
    return std::pair {first, second};
}

} // namespace asterix::services
