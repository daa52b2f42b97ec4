// connect, accept, accept4, sendto, recvfrom, sendmsg, recvmsg, shutdown, bind, listen,
// getsockname, getpeername, setsockopt, getsockopt on descriptors. No descriptor is a socket
// yet (socket(2) itself is not implemented), so each is EBADF or ENOTSOCK, as Linux answers for a
// descriptor that is not a socket. bash, for one, asks getpeername(0) to learn whether sshd
// started it.

#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
Result<long> not_a_socket(Context& ctx, int fd)
{
    TRY(ctx.files().get(fd));
    return Errno::enotsock;
}
} // namespace

Result<long> sys_connect(Context& ctx, int fd, u64 addr, u32 len) { return not_a_socket(ctx, fd); }
Result<long> sys_accept(Context& ctx, int fd, u64 addr, u64 len) { return not_a_socket(ctx, fd); }
Result<long> sys_accept4(Context& ctx, int fd, u64 addr, u64 len, int flags) { return not_a_socket(ctx, fd); }
Result<long> sys_sendto(Context& ctx, int fd, u64 buf, u64 len, int flags, u64 addr, u32 addr_len) { return not_a_socket(ctx, fd); }
Result<long> sys_recvfrom(Context& ctx, int fd, u64 buf, u64 len, int flags, u64 addr, u64 addr_len) { return not_a_socket(ctx, fd); }
Result<long> sys_sendmsg(Context& ctx, int fd, u64 msg, int flags) { return not_a_socket(ctx, fd); }
Result<long> sys_recvmsg(Context& ctx, int fd, u64 msg, int flags) { return not_a_socket(ctx, fd); }
Result<long> sys_shutdown(Context& ctx, int fd, int how) { return not_a_socket(ctx, fd); }
Result<long> sys_bind(Context& ctx, int fd, u64 addr, u32 len) { return not_a_socket(ctx, fd); }
Result<long> sys_listen(Context& ctx, int fd, int backlog) { return not_a_socket(ctx, fd); }
Result<long> sys_getsockname(Context& ctx, int fd, u64 addr, u64 len) { return not_a_socket(ctx, fd); }
Result<long> sys_getpeername(Context& ctx, int fd, u64 addr, u64 len) { return not_a_socket(ctx, fd); }
Result<long> sys_setsockopt(Context& ctx, int fd, int level, int name, u64 value, u32 len) { return not_a_socket(ctx, fd); }
Result<long> sys_getsockopt(Context& ctx, int fd, int level, int name, u64 value, u64 len) { return not_a_socket(ctx, fd); }

} // namespace asterix::services
