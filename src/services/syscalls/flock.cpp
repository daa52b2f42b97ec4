// flock

#include "services/fs/flock.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_flock(Context& ctx, int fd, u32 operation)
{
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only()) // flock's fdget does not see O_PATH descriptors
        return Errno::ebadf;
    // LOCK_MAND is no longer supported: Linux ignores such a request and succeeds.
    if (operation & abi::lock_mand)
        return 0;
    FlockKind kind;
    switch (operation & ~u32 {abi::lock_nb}) {
    case abi::lock_sh:
        kind = FlockKind::shared;
        break;
    case abi::lock_ex:
        kind = FlockKind::exclusive;
        break;
    case abi::lock_un:
        kind = FlockKind::unlock;
        break;
    default:
        return Errno::einval;
    }
    TRY(flock(*file, kind, (operation & abi::lock_nb) ? FlockWait::nonblocking : FlockWait::block));
    return 0;
}

} // namespace asterix::services
