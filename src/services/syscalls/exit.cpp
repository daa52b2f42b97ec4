// exit, exit_group

#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_exit(Context& ctx, int code)
{
    // FIXME: with threads, exit ends only the calling thread; today every process has one.
    ctx.thread().is_exiting = true;
    exit_process(ctx.process(), (code & 0xff) << 8);
    return 0;
}

Result<long> sys_exit_group(Context& ctx, int code)
{
    ctx.thread().is_exiting = true;
    exit_process(ctx.process(), (code & 0xff) << 8);
    return 0;
}

} // namespace asterix::services
