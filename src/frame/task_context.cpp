// Kernel task contexts: Boost.Context's fcontext switches stacks, hosted and on bare metal
// alike (its switch is a few instructions of assembly that need no C library). The backends
// allocate the stacks.

#include <boost/context/detail/fcontext.hpp>

#include "frame/arch.h"

namespace asterix::frame::arch {

namespace bctx = boost::context::detail;

namespace {

/// What a switch hands to the context it resumes: where to record the context it left.
struct SwitchData {
    void** from;
    void* arg;
};

TaskEntry g_task_entry = nullptr;

void* arrive(bctx::transfer_t transfer)
{
    auto* data = static_cast<SwitchData*>(transfer.data);
    *data->from = transfer.fctx;
    return data->arg;
}

void fcontext_entry(bctx::transfer_t transfer)
{
    void* arg = arrive(transfer);
    g_task_entry(arg);
    __builtin_trap(); // a task's entry never returns: it switches away when it is dead
}

} // namespace

void* make_task_context(void* stack_base, usize stack_bytes, TaskEntry entry)
{
    g_task_entry = entry;
    // SAFETY: fcontext takes the top of the stack.
    return bctx::make_fcontext(static_cast<u8*>(stack_base) + stack_bytes, stack_bytes, &fcontext_entry);
}

void* switch_task_context(void** from, void* to, void* arg)
{
    SwitchData data {from, arg};
    bctx::transfer_t back = bctx::jump_fcontext(to, &data);
    return arrive(back);
}

} // namespace asterix::frame::arch
