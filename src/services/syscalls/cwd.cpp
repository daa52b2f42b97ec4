// getcwd, umask

#include "frame/bytes.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_getcwd(Context& ctx, UserPtr<char> buf, u64 size)
{
    const std::string& cwd = ctx.process().cwd;
    if (size < cwd.size() + 1)
        return Errno::erange;
    TRY(ctx.user().write_bytes(buf.addr(), text_bytes(std::string_view(cwd.c_str(), cwd.size() + 1))));
    return static_cast<long>(cwd.size() + 1);
}

Result<long> sys_umask(Context& ctx, u32 mask)
{
    u32 old = ctx.process().umask;
    ctx.process().umask = mask & 0777;
    return old;
}

} // namespace asterix::services
