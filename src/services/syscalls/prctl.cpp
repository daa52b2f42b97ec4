// prctl

#include "frame/bytes.h"
#include "services/abi/prctl.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_prctl(Context& ctx, int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5)
{
    if (auto handled = prctl_privileges(ctx, option, arg2, arg3, arg4, arg5))
        return *handled;
    switch (option) {
    case abi::pr_set_name: {
        // The name is truncated to 15 bytes; a longer string is not an error.
        std::array<u8, abi::task_comm_len> name {};
        for (usize i = 0; i + 1 < abi::task_comm_len; ++i) {
            u8 byte = TRY(ctx.user().read(UserPtr<u8>(arg2 + i)));
            if (byte == 0)
                break;
            name[i] = byte;
        }
        ctx.process().set_comm(std::string(name.begin(), std::find(name.begin(), name.end(), u8 {0})));
        return 0;
    }
    case abi::pr_get_name: {
        std::array<u8, abi::task_comm_len> name {};
        const std::string& comm = ctx.process().comm();
        std::copy(comm.begin(), comm.begin() + std::min(comm.size(), abi::task_comm_len - 1), name.begin());
        TRY(ctx.user().write(UserPtr<std::array<u8, abi::task_comm_len>>(arg2), name));
        return 0;
    }
    case abi::pr_get_dumpable:
        return ctx.process().is_dumpable() ? 1 : 0;
    case abi::pr_set_dumpable:
        // Only 0 and 1: SUID_DUMP_ROOT (2) is for the kernel's own use (prctl(2)).
        if (arg2 > 1)
            return Errno::einval;
        ctx.process().set_dumpable(arg2 == 1);
        return 0;
    case abi::pr_set_child_subreaper:
        ctx.process().set_child_subreaper(arg2 != 0);
        return 0;
    case abi::pr_get_child_subreaper:
        TRY(ctx.user().write(UserPtr<i32>(arg2), i32 {ctx.process().is_child_subreaper()}));
        return 0;
    default:
        // FIXME: the other options come as programs need them.
        return Errno::einval;
    }
}

} // namespace asterix::services
