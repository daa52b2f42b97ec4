// eventfd, eventfd2

#include "services/abi/eventfd.h"
#include "services/fs/event_file.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_eventfd2(Context& ctx, u32 initial, int flags)
{
    u32 bits = static_cast<u32>(flags);
    if (bits & ~(abi::efd_semaphore | abi::efd_cloexec | abi::efd_nonblock))
        return Errno::einval;
    auto mode = (bits & abi::efd_semaphore) ? EventFile::Mode::semaphore : EventFile::Mode::counter;
    auto file = make_ref<EventFile>(initial, mode, o_rdwr | (bits & abi::efd_nonblock));
    return TRY(ctx.files().install(file, bits & abi::efd_cloexec, 0, ctx.process().rlimit(rlimit_nofile).cur));
}

Result<long> sys_eventfd(Context& ctx, u32 initial) { return sys_eventfd2(ctx, initial, 0); }

} // namespace asterix::services
