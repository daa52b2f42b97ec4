#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "frame/task.h"
#include "services/abi/socket.h"
#include "services/fs/file.h"

namespace asterix::services {

/// The guest buffers one send drains, iovec after iovec (sendmsg's gather list).
class GatherReader {
public:
    GatherReader() = default;
    explicit GatherReader(std::vector<frame::UserReader> parts);
    u64 remaining() const;
    /// Copies up to dst.size() bytes out, across parts; EFAULT only when nothing was copied.
    Result<usize> read(std::span<u8> dst);

private:
    std::vector<frame::UserReader> m_parts;
    usize m_at {0};
};

/// The guest buffers one receive fills, iovec after iovec (recvmsg's scatter list).
class ScatterWriter {
public:
    ScatterWriter() = default;
    explicit ScatterWriter(std::vector<frame::UserWriter> parts);
    u64 remaining() const;
    Result<usize> write(std::span<const u8> src);

private:
    std::vector<frame::UserWriter> m_parts;
    usize m_at {0};
};

/// What one sendmsg carries besides its bytes.
struct SendMessage {
    GatherReader data;
    /// The destination as the guest gave it (sockaddr bytes); none for a plain send.
    std::optional<std::vector<u8>> address;
    /// SCM_RIGHTS: the files to pass, already looked up.
    std::vector<Ref<File>> files;
    /// SCM_CREDENTIALS as the sender gave them (already checked).
    std::optional<abi::UCred> credentials;
    int flags {0};
};

/// What one recvmsg asks for and gets.
struct ReceiveMessage {
    ScatterWriter data;
    int flags {0};
    /// Out: the sender's address (empty when it has none), passed files, credentials and the
    /// MSG_TRUNC / MSG_EOR bits of msg_flags.
    std::vector<u8> address;
    std::vector<Ref<File>> files;
    std::optional<abi::UCred> credentials;
    int out_flags {0};
};

/// The options every socket has at SOL_SOCKET, whatever its family.
struct SocketOptions {
    u32 send_buffer_bytes {abi::wmem_default};
    u32 receive_buffer_bytes {abi::rmem_default};
    u64 send_timeout_ns {0}; ///< 0: wait for ever
    u64 receive_timeout_ns {0};
    bool is_passing_credentials {false};
    bool is_reusing_address {false};
    bool is_reusing_port {false};
    bool is_keeping_alive {false};
    bool is_broadcast {false};
    abi::Linger linger {0, 0};
};

/// A socket: an open file description whose family (AF_UNIX today, AF_INET later) implements
/// the socket calls. The syscalls in syscalls/socket.cpp copy guest arguments in and out; a
/// family sees sockaddr bytes, gather and scatter lists and looked-up files.
class Socket : public File {
public:
    /// Tells pollers that this socket's readiness may have changed.
    static void notify_readiness();
    static PollQueue& shared_poll_queue();
    ~Socket() override = default;

    int domain() const { return m_domain; }
    int type() const { return m_type; }
    int protocol() const { return m_protocol; }
    SocketOptions& options() { return m_options; }

    // read(2) and write(2) are recv and send without flags.
    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<frame::FileStat> stat() override;
    std::string description() override;
    /// Every socket announces changes on one shared queue: a change on one end often changes
    /// what its peer may do (room to send), so pollers of any socket re-check on any change.
    /// FIXME: a queue per endpoint, notified for the peer too, would wake fewer pollers.
    PollQueue* poll_queue() override { return &shared_poll_queue(); }
    Socket* socket() override { return this; }
    /// The interface ioctls every socket answers (SIOCGIFINDEX and friends, for lo).
    Result<long> ioctl(Context& ctx, u32 request, u64 arg) override;

    virtual Result<void> bind(Context& ctx, std::span<const u8> address) { return Errno::enotsup; }
    virtual Result<void> listen(int backlog) { return Errno::enotsup; }
    /// The next connection; `status_flags` are the new file's (O_NONBLOCK from accept4).
    virtual Result<Ref<Socket>> accept(u32 status_flags) { return Errno::enotsup; }
    virtual Result<void> connect(Context& ctx, std::span<const u8> address) { return Errno::enotsup; }
    virtual Result<void> shutdown(int how) { return Errno::enotsup; }
    virtual Result<std::vector<u8>> local_address() { return Errno::enotsup; }
    virtual Result<std::vector<u8>> peer_address() { return Errno::enotsup; }
    virtual Result<usize> send(Context& ctx, SendMessage& message) = 0;
    virtual Result<usize> receive(Context& ctx, ReceiveMessage& message) = 0;

    /// setsockopt/getsockopt: SOL_SOCKET here, other levels by the family.
    Result<void> set_option(int level, int name, std::span<const u8> value);
    Result<std::vector<u8>> get_option(int level, int name);

protected:
    Socket(int domain, int type, int protocol, u32 status_flags);

    virtual Result<void> set_family_option(int level, int name, std::span<const u8> value) { return Errno::enotsup; }
    virtual Result<std::vector<u8>> get_family_option(int level, int name) { return Errno::enotsup; }
    virtual bool is_listening() const { return false; }
    /// A SOL_SOCKET option changed: the family applies those its protocol acts on.
    virtual void options_changed() {}
    /// SO_PEERCRED: the peer's process and IDs when it connected; pid 0 and IDs -1 without one.
    virtual abi::UCred peer_credentials() const { return {0, ~0u, ~0u}; }
    /// SO_ERROR: the pending error, cleared by reading it.
    virtual int take_error() { return 0; }

    /// Waits on `queue` for a change: EAGAIN when the socket or the call does not block or the
    /// deadline (from SO_RCVTIMEO/SO_SNDTIMEO) passed, EINTR or a restart when a signal came.
    Result<void> wait(frame::WaitQueue& queue, int flags, u64 deadline_ns, u64 timeout_ns, const char* reason);
    /// The monotonic deadline of a call that started now with `timeout_ns` (0: none).
    static u64 deadline_after(u64 timeout_ns);

private:
    Result<void> set_socket_option(int name, std::span<const u8> value);

    int m_domain, m_type, m_protocol;
    u64 m_ino;
    SocketOptions m_options;
};

/// How a protocol family makes its sockets (socket(2), socketpair(2)); a family that cannot pair
/// leaves `create_pair` null (EOPNOTSUPP).
struct SocketFamily {
    int domain;
    Result<Ref<Socket>> (*create)(int type, int protocol, u32 status_flags);
    Result<std::pair<Ref<Socket>, Ref<Socket>>> (*create_pair)(int type, int protocol, u32 status_flags);
};

/// socket(2) after its flags are split off: EAFNOSUPPORT for a family no service provides.
Result<Ref<Socket>> create_socket(int domain, int type, int protocol, u32 status_flags);
Result<std::pair<Ref<Socket>, Ref<Socket>>> create_socket_pair(int domain, int type, int protocol, u32 status_flags);

/// The socket behind an open file, or ENOTSOCK.
Result<Ref<Socket>> as_socket(const Ref<File>& file);

} // namespace asterix::services
