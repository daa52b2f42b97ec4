// getdents64

#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_getdents64(Context& ctx, int fd, UserPtr<u8> dirp, u64 count)
{
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    auto writer = TRY(frame::UserWriter::create(ctx.user(), dirp.addr(), std::min<u64>(count, 0x7fffffff)));
    return TRY(file->read_dir(writer));
}

} // namespace asterix::services
