// exit, exit_group

#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_exit(Context& ctx, int code)
{
    exit_thread(ctx.thread(), (code & 0xff) << 8);
    return 0;
}

Result<long> sys_exit_group(Context& ctx, int code)
{
    exit_process(ctx.process(), (code & 0xff) << 8);
    return 0;
}

} // namespace asterix::services
