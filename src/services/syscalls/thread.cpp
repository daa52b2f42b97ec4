// arch_prctl, set_tid_address, set_robust_list

#include "services/abi/futex.h"
#include "services/abi/prctl.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
/// TASK_SIZE_MAX: a segment base must be a user address.
constexpr u64 task_size_max = (1ull << 47) - page_size;
} // namespace

Result<long> sys_arch_prctl(Context& ctx, int code, u64 addr)
{
    auto& regs = ctx.thread().context().regs;
    switch (code) {
    case abi::arch_set_fs:
        if (addr >= task_size_max)
            return Errno::eperm;
        regs.fs_base = addr;
        return 0;
    case abi::arch_set_gs:
        if (addr >= task_size_max)
            return Errno::eperm;
        regs.gs_base = addr;
        return 0;
    case abi::arch_get_fs:
        TRY(ctx.user().write(UserPtr<u64>(addr), regs.fs_base));
        return 0;
    case abi::arch_get_gs:
        TRY(ctx.user().write(UserPtr<u64>(addr), regs.gs_base));
        return 0;
    case abi::arch_get_cpuid:
        return 1; // CPUID never faults here
    case abi::arch_set_cpuid:
        // Making CPUID fault needs the CPU's CPUID faulting, which a guest here never has:
        // Linux's answer without it is ENODEV; turning it on (it is on) succeeds.
        if (!addr)
            return Errno::enodev;
        return 0;
    default:
        return Errno::einval;
    }
}

Result<long> sys_set_tid_address(Context& ctx, UserPtr<i32> tidptr)
{
    ctx.thread().set_clear_child_tid(tidptr.addr());
    return ctx.thread().tid();
}

Result<long> sys_set_robust_list(Context& ctx, u64 head, u64 len)
{
    if (len != abi::robust_list_head_bytes)
        return Errno::einval;
    ctx.thread().set_robust_list(head, len);
    return 0;
}

} // namespace asterix::services
