// pipe, pipe2

#include "services/fs/pipe.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_pipe2(Context& ctx, UserPtr<std::array<i32, 2>> fds, int flags)
{
    // O_DIRECT asks for packet mode (pipe(2)); it is accepted and ignored.
    if (static_cast<u32>(flags) & ~(o_cloexec | o_nonblock | o_direct))
        return Errno::einval;
    u32 status = static_cast<u32>(flags) & o_nonblock;
    bool is_cloexec = flags & o_cloexec;
    auto buffer = make_ref<PipeBuffer>();
    auto reader = make_ref<PipeFile>(buffer, PipeFile::End::read, o_rdonly | status);
    auto writer = make_ref<PipeFile>(buffer, PipeFile::End::write, o_wronly | status);
    u64 limit = ctx.process().rlimit(rlimit_nofile).cur;
    int read_fd = TRY(ctx.files().install(reader, is_cloexec, 0, limit));
    auto write_fd = ctx.files().install(writer, is_cloexec, 0, limit);
    if (write_fd.is_error()) {
        static_cast<void>(ctx.files().close(read_fd));
        return write_fd.error();
    }
    auto written = ctx.user().write(fds, std::array<i32, 2> {read_fd, write_fd.value()});
    if (written.is_error()) {
        static_cast<void>(ctx.files().close(read_fd));
        static_cast<void>(ctx.files().close(write_fd.value()));
        return written.error();
    }
    return 0;
}

Result<long> sys_pipe(Context& ctx, UserPtr<std::array<i32, 2>> fds) { return sys_pipe2(ctx, fds, 0); }

} // namespace asterix::services
