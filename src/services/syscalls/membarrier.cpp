// membarrier (kernel/sched/membarrier.c). The kernel runs one guest thread at a time and
// every switch between them passes through the kernel, which orders memory: each barrier is
// done by the time the call returns. What remains is Linux's bookkeeping: the private
// commands need their registration first (EPERM otherwise), and the errors for bad flags.

#include "services/abi/membarrier.h"
#include "services/mm/memory_map.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_membarrier(Context& ctx, int cmd, u32 flags, int cpu_id)
{
    if (cmd == abi::membarrier_cmd_private_expedited_rseq) {
        if (flags && flags != abi::membarrier_cmd_flag_cpu)
            return Errno::einval;
    } else if (flags) {
        return Errno::einval;
    }
    u32& registered = ctx.memory().membarrier_registrations;
    auto barrier_after = [&](int registration) -> Result<long> {
        if (!(registered & static_cast<u32>(registration)))
            return Errno::eperm;
        return 0;
    };
    switch (cmd) {
    case abi::membarrier_cmd_query:
        return abi::membarrier_cmd_bitmask;
    case abi::membarrier_cmd_global:
    case abi::membarrier_cmd_global_expedited:
        return 0;
    case abi::membarrier_cmd_register_global_expedited:
    case abi::membarrier_cmd_register_private_expedited:
    case abi::membarrier_cmd_register_private_expedited_sync_core:
    case abi::membarrier_cmd_register_private_expedited_rseq:
        registered |= static_cast<u32>(cmd);
        return 0;
    case abi::membarrier_cmd_private_expedited:
        return barrier_after(abi::membarrier_cmd_register_private_expedited);
    case abi::membarrier_cmd_private_expedited_sync_core:
        return barrier_after(abi::membarrier_cmd_register_private_expedited_sync_core);
    case abi::membarrier_cmd_private_expedited_rseq:
        return barrier_after(abi::membarrier_cmd_register_private_expedited_rseq);
    case abi::membarrier_cmd_get_registrations:
        return registered;
    default:
        return Errno::einval;
    }
}

} // namespace asterix::services
