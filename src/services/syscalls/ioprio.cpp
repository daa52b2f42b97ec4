// ioprio_get, ioprio_set: I/O priorities are kept per thread and reported, but nothing
// schedules I/O by them (file I/O completes at once).

#include <vector>

#include "services/abi/capability.h"
#include "services/abi/ioprio.h"
#include "services/process/process_table.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
/// The threads `who` and `id` name (Linux's IOPRIO_WHO_*; id 0 is the caller's own): ESRCH
/// when there is none, EINVAL for an unknown `which`.
Result<std::vector<Thread*>> threads_named(Context& ctx, int which, int id)
{
    std::vector<Thread*> found;
    switch (which) {
    case abi::ioprio_who_process: {
        Thread* thread = id == 0 ? &ctx.thread() : ProcessTable::find_thread(id);
        if (thread)
            found.push_back(thread);
        break;
    }
    case abi::ioprio_who_pgrp:
    case abi::ioprio_who_user: {
        bool is_pgrp = which == abi::ioprio_who_pgrp;
        i64 want = id != 0 ? id : is_pgrp ? ctx.process().pgid() : ctx.thread().credentials().uid;
        for (const auto& [pid, process] : ProcessTable::all()) {
            for (const auto& thread : process->threads()) {
                i64 have = is_pgrp ? process->pgid() : thread->credentials().uid;
                if (have == want)
                    found.push_back(thread.get());
            }
        }
        break;
    }
    default:
        return Errno::einval;
    }
    if (found.empty())
        return Errno::esrch;
    return found;
}

u32 class_of(u32 value) { return value >> abi::ioprio_class_shift; }

/// What a thread's priority counts as when compared (Linux's ioprio_best): an unset one is
/// best effort at the level its nice value gives.
u32 effective(const Thread& thread, int nice)
{
    if (class_of(thread.io_priority()) != abi::ioprio_class_none)
        return thread.io_priority();
    return (abi::ioprio_class_be << abi::ioprio_class_shift) | static_cast<u32>((nice + 20) / 5);
}
} // namespace

Result<long> sys_ioprio_get(Context& ctx, int which, int who)
{
    auto threads = TRY(threads_named(ctx, which, who));
    if (which == abi::ioprio_who_process)
        return threads.front()->io_priority();
    // Of several, the best: the lowest class number that is set, then the lowest level.
    u32 best = 0;
    bool has_best = false;
    for (Thread* thread : threads) {
        u32 value = effective(*thread, thread->nice());
        if (!has_best || class_of(value) < class_of(best)
            || (class_of(value) == class_of(best) && (value & abi::ioprio_prio_mask) < (best & abi::ioprio_prio_mask)))
            best = value;
        has_best = true;
    }
    return best;
}

Result<long> sys_ioprio_set(Context& ctx, int which, int who, int ioprio)
{
    // Linux's ioprio_check_cap: the class, its level, and the privilege real time needs.
    u32 value = static_cast<u32>(ioprio);
    u32 level = value & abi::ioprio_level_mask;
    const Credentials& creds = ctx.thread().credentials();
    switch (class_of(value)) {
    case abi::ioprio_class_rt:
        if (!creds.has_capability(abi::Capability::sys_nice) && !creds.has_capability(abi::Capability::sys_admin))
            return Errno::eperm;
        [[fallthrough]];
    case abi::ioprio_class_be:
        if (level >= abi::ioprio_nr_levels)
            return Errno::einval;
        break;
    case abi::ioprio_class_idle:
        break;
    case abi::ioprio_class_none:
        if (value & abi::ioprio_prio_mask)
            return Errno::einval;
        break;
    default:
        return Errno::einval;
    }
    auto threads = TRY(threads_named(ctx, which, who));
    for (Thread* thread : threads) {
        // Another user's threads need CAP_SYS_NICE (Linux's set_task_ioprio).
        u32 target_uid = thread->credentials().uid;
        if (target_uid != creds.euid && target_uid != creds.uid && !creds.has_capability(abi::Capability::sys_nice))
            return Errno::eperm;
    }
    for (Thread* thread : threads)
        thread->set_io_priority(static_cast<u16>(value));
    return 0;
}

} // namespace asterix::services
