// rseq: restartable sequences on the one virtual CPU. The area always reads CPU 0; a thread
// preempted inside a critical section restarts at its abort handler (rseq(2)).

#include "services/process/signals.h"
#include "services/abi/rseq.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

struct RseqCs {
    u32 version;
    u32 flags;
    u64 start_ip;
    u64 post_commit_offset;
    u64 abort_ip;
};
} // namespace

Result<long> sys_rseq(Context& ctx, u64 rseq, u32 rseq_len, int flags, u32 sig)
{
    Thread& thread = ctx.thread();
    if (flags & ~abi::rseq_flag_unregister)
        return Errno::einval;
    if (flags & abi::rseq_flag_unregister) {
        if (thread.rseq().area != rseq || thread.rseq().len != rseq_len)
            return Errno::einval;
        if (thread.rseq().signature != sig)
            return Errno::eperm;
        thread.unregister_rseq();
        return 0;
    }
    if (thread.rseq().area) {
        if (thread.rseq().area != rseq || thread.rseq().len != rseq_len)
            return Errno::einval;
        return thread.rseq().signature == sig ? Errno::ebusy : Errno::eperm;
    }
    if (rseq % 32 || rseq_len < abi::rseq_min_len)
        return Errno::einval;
    // cpu_id_start and cpu_id: the one CPU; node_id and mm_cid follow when the area has them.
    TRY(ctx.user().write(UserPtr<std::array<u32, 2>>(rseq), std::array<u32, 2> {0, 0}));
    if (rseq_len >= 32)
        TRY(ctx.user().write(UserPtr<std::array<u32, 2>>(rseq + 20), std::array<u32, 2> {0, 0}));
    thread.register_rseq(rseq, rseq_len, sig);
    return 0;
}

void rseq_preempted(Thread& thread)
{
    if (!thread.rseq().area)
        return;
    auto& vm = thread.process().vm();
    auto cs_addr = vm.read(UserPtr<u64>(thread.rseq().area + 8));
    if (cs_addr.is_error() || cs_addr.value() == 0)
        return;
    auto cs = vm.read(UserPtr<RseqCs>(cs_addr.value()));
    if (cs.is_error())
        return;
    u64 ip = thread.context().regs.rip;
    if (ip < cs.value().start_ip || ip - cs.value().start_ip >= cs.value().post_commit_offset)
        return;
    // Restart at the abort handler, which must be preceded by the registered signature.
    auto signature = vm.read(UserPtr<u32>(cs.value().abort_ip - 4));
    if (signature.is_error() || signature.value() != thread.rseq().signature) {
        thread.mark_exiting();
        exit_process(thread.process(), sigsegv | 0x80);
        return;
    }
    static_cast<void>(vm.write(UserPtr<u64>(thread.rseq().area + 8), u64 {0}));
    thread.context().regs.rip = cs.value().abort_ip;
}

} // namespace asterix::services
