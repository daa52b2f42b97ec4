#pragma once

#include <deque>
#include <optional>
#include <string>

#include "services/kernel_memory.h"
#include "services/net/socket.h"

namespace asterix::services {

class UnixSocket;

/// Files passed with SCM_RIGHTS while they sit in a queue: counted against the sender's user
/// (more in flight than its RLIMIT_NOFILE is ETOOMANYREFS, as on Linux).
class InFlightFiles {
public:
    InFlightFiles() = default;
    InFlightFiles(std::vector<Ref<File>> files, u32 uid);
    InFlightFiles(InFlightFiles&& other) noexcept;
    InFlightFiles& operator=(InFlightFiles&& other) noexcept;
    InFlightFiles(const InFlightFiles&) = delete;
    ~InFlightFiles();

    const std::vector<Ref<File>>& files() const { return m_files; }
    bool is_empty() const { return m_files.empty(); }
    /// How many files the user has in flight now.
    static u64 count_for(u32 uid);
    static u64 total();

private:
    void release();
    std::vector<Ref<File>> m_files;
    u32 m_uid {0};
};

class UnixEndpoint;

/// One sendmsg's worth of data in a receive queue.
struct UnixMessage {
    std::vector<u8> bytes;
    /// Stream sockets: how much of `bytes` has been read.
    usize offset {0};
    InFlightFiles files;
    abi::UCred credentials {};
    /// The sender's bound name (sun_path bytes), empty when it has none.
    std::string sender_name;
    /// The sender, charged for the message until it is read (its SO_SNDBUF bounds it).
    Ref<UnixEndpoint> sender;
    usize charge {0};
    /// The same bytes charged to the instance's kernel-memory bound while the message is queued.
    KernelCharge kernel_charge;
};

/// The state of an AF_UNIX socket that outlives its file while peers or queued messages refer
/// to it: peers hold the endpoint, never the file, so a file's last close always runs and
/// breaks the references (a connected pair is a cycle of endpoints until then).
class UnixEndpoint : public RefCounted<UnixEndpoint> {
public:
    enum class State : u8 { unconnected, listening, connected };

    explicit UnixEndpoint(int type) : type(type) {}
    ~UnixEndpoint();

    int type;
    State state {State::unconnected};
    /// The file is closed: sends to it are ECONNREFUSED.
    bool is_released {false};
    bool is_read_shut {false};
    bool is_write_shut {false};
    /// An accepted connection still in its listener's queue (its close resets the peer).
    bool is_embryo {false};
    /// A receiver is working on the queue (see UnixSocket::lock_receive).
    bool is_receiving {false};
    int error {0};
    std::deque<UnixMessage> messages;
    usize queued_bytes {0};
    /// Listening: connections not yet accepted, and listen(2)'s backlog.
    std::deque<Ref<UnixSocket>> pending;
    u32 backlog {0};
    Ref<UnixEndpoint> peer;
    /// The bound name as sun_path bytes: a leading NUL for the abstract namespace, else a path.
    std::optional<std::string> name;
    /// A name in the file system: the socket inode's device and inode number.
    std::optional<std::pair<u64, u64>> inode_key;
    abi::UCred peer_credentials {0, ~0u, ~0u};
    /// Bytes this endpoint has sent that are not yet read (sk_wmem_alloc).
    usize sent_bytes {0};
    frame::WaitQueue changed;

    /// Wakes everyone who waits on this endpoint and pollers.
    void wake();
    /// The message at the front leaves the queue: its sender is credited.
    void pop_front();
    /// The file closed: unbind, disconnect, drop queued messages and pending connections.
    void release();
};

/// An AF_UNIX socket (unix(7)): stream, datagram or seqpacket.
class UnixSocket final : public Socket {
public:
    UnixSocket(int type, u32 status_flags);
    ~UnixSocket() override;

    UnixEndpoint& endpoint() { return *m_end; }
    const Ref<UnixEndpoint>& endpoint_ref() { return m_end; }

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
    bool is_listening() const override { return m_end->state == UnixEndpoint::State::listening; }
    abi::UCred peer_credentials() const override { return m_end->peer_credentials; }
    int take_error() override;

private:
    bool is_connection_based() const { return type() != abi::sock_dgram; }
    Result<void> autobind();
    Result<void> connect_stream(Context& ctx, std::span<const u8> address);
    Result<void> connect_datagram(Context& ctx, std::span<const u8> address);
    Result<usize> send_stream(Context& ctx, SendMessage& message);
    Result<usize> send_datagram(Context& ctx, SendMessage& message);
    Result<usize> receive_stream(ReceiveMessage& message);
    Result<usize> receive_datagram(ReceiveMessage& message);
    void lock_receive();
    void unlock_receive();
    Result<void> wait_for_data(int flags, u64 deadline_ns, u64 timeout_ns);
    Result<UnixMessage> make_message(SendMessage& message, std::vector<u8> bytes);
    void push_message(UnixEndpoint& target, UnixMessage message);

    Ref<UnixEndpoint> m_end;
};

/// Frees SCM_RIGHTS cycles that nothing outside them can reach (see unix_socket.cpp). Runs
/// when a socket closes, when one is made and before a send that passes files.
void collect_unix_cycles();

/// Files passed with SCM_RIGHTS that sit in queues, by the sending user.
inline u64 unix_files_in_flight(u32 uid) { return InFlightFiles::count_for(uid); }

Result<Ref<Socket>> create_unix_socket(int type, int protocol, u32 status_flags);
Result<std::pair<Ref<Socket>, Ref<Socket>>> create_unix_socket_pair(int type, int protocol, u32 status_flags);

} // namespace asterix::services
