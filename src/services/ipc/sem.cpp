// System V semaphores: semget, semop, semtimedop, semctl, and the SEM_UNDO adjustments a
// process leaves behind when it exits.

#include "services/ipc/sem.h"

#include <algorithm>

#include "frame/clock.h"
#include "frame/bytes.h"
#include "frame/format.h"
#include "services/abi/time.h"
#include "services/ipc/ipc_object.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

struct Semaphore {
    i32 value {0};
    i32 pid {0};
    u32 waiting_for_increase {0}; // semncnt
    u32 waiting_for_zero {0};     // semzcnt
};

class SemSet : public RefCounted<SemSet> {
public:
    IpcPerm perm;
    std::vector<Semaphore> sems;
    i64 otime {0}, ctime {0};
    bool is_removed {false};
    /// Every thread blocked in semop on the set; any change wakes them all to try again.
    frame::WaitQueue waiters;
};

IpcIds<SemSet>& sets()
{
    static IpcIds<SemSet> ids(abi::semmni);
    return ids;
}

u64 used_semaphores()
{
    u64 count = 0;
    for (auto& [index, set] : sets().objects())
        count += set->sems.size();
    return count;
}

/// SEM_UNDO: per process, per set id, the adjustment of each semaphore (Linux's sem_undo).
std::map<i32, std::map<int, std::vector<i32>>>& undo_lists()
{
    static std::map<i32, std::map<int, std::vector<i32>>> lists;
    return lists;
}

/// SETVAL and SETALL make every process's adjustment of the semaphores they set void.
void clear_undo(int id, std::optional<usize> only)
{
    for (auto& [pid, list] : undo_lists()) {
        auto it = list.find(id);
        if (it == list.end())
            continue;
        if (only)
            it->second[*only] = 0;
        else
            std::fill(it->second.begin(), it->second.end(), 0);
    }
}

abi::Semid64Ds describe(const SemSet& set)
{
    abi::Semid64Ds out {};
    out.sem_perm = set.perm.to_abi();
    out.sem_otime = set.otime;
    out.sem_ctime = set.ctime;
    out.sem_nsems = set.sems.size();
    return out;
}

void remove_set(SemSet& set)
{
    set.is_removed = true;
    set.waiters.wake_all();
    for (auto& [pid, list] : undo_lists())
        list.erase(set.perm.id);
    sets().remove(set.perm.id);
}

enum class Attempt : u8 { done, blocks_on_decrease, blocks_on_zero };

struct AttemptResult {
    Attempt outcome;
    usize blocking_sem {0};
    int blocking_flags {0};
};

/// Applies all of `ops` or none (semop(2) is atomic); ERANGE past SEMVMX or the undo range.
Result<AttemptResult> try_operations(SemSet& set, std::span<const abi::Sembuf> ops, i32 pid, std::vector<i32>* undo)
{
    std::vector<i32> values(set.sems.size());
    for (usize i = 0; i < values.size(); ++i)
        values[i] = set.sems[i].value;
    std::vector<i32> adjust = undo ? *undo : std::vector<i32>();
    for (const auto& op : ops) {
        i32& value = values[op.sem_num];
        if (op.sem_op == 0) {
            if (value != 0)
                return AttemptResult {Attempt::blocks_on_zero, op.sem_num, op.sem_flg};
            continue;
        }
        i32 result = value + op.sem_op;
        if (result < 0)
            return AttemptResult {Attempt::blocks_on_decrease, op.sem_num, op.sem_flg};
        if (result > abi::semvmx)
            return Errno::erange;
        if (op.sem_flg & abi::sem_undo) {
            i32 undo_value = adjust[op.sem_num] - op.sem_op;
            if (undo_value < -abi::semaem - 1 || undo_value > abi::semaem)
                return Errno::erange;
            adjust[op.sem_num] = undo_value;
        }
        value = result;
    }
    for (usize i = 0; i < values.size(); ++i)
        set.sems[i].value = values[i];
    for (const auto& op : ops)
        set.sems[op.sem_num].pid = pid;
    if (undo)
        *undo = std::move(adjust);
    return AttemptResult {Attempt::done};
}

Result<long> do_semop(Context& ctx, int id, UserPtr<abi::Sembuf> sops, u64 nsops, std::optional<u64> timeout_ns)
{
    if (nsops < 1 || id < 0)
        return Errno::einval;
    if (nsops > abi::semopm)
        return Errno::e2big;
    std::vector<u8> raw(nsops * sizeof(abi::Sembuf));
    TRY(ctx.user().read_bytes(sops.addr(), raw));
    std::vector<abi::Sembuf> ops(nsops);
    for (usize i = 0; i < nsops; ++i)
        ops[i] = MUST(load_from_bytes<abi::Sembuf>(raw, i * sizeof(abi::Sembuf)));
    u64 deadline = timeout_ns ? frame::monotonic_ns() + *timeout_ns : ~0ull;
    usize max_num = 0;
    bool has_undo = false, alters = false;
    for (const auto& op : ops) {
        max_num = std::max<usize>(max_num, op.sem_num);
        has_undo |= (op.sem_flg & abi::sem_undo) != 0;
        alters |= op.sem_op != 0;
    }
    SemSet* found = TRY(sets().find_id(id));
    if (max_num >= found->sems.size())
        return Errno::efbig;
    if (!ipc_permits(ctx.thread().credentials(), found->perm, alters ? 0222 : 0444))
        return Errno::eacces;
    // Held across the waits below, so that IPC_RMID cannot free the set under a sleeper.
    Ref<SemSet> set(found);
    i32 pid = ctx.process().pid();
    while (true) {
        std::vector<i32>* undo = nullptr;
        if (has_undo) {
            auto& adjust = undo_lists()[pid][id];
            adjust.resize(set->sems.size());
            undo = &adjust;
        }
        auto attempt = TRY(try_operations(*set, ops, pid, undo));
        if (attempt.outcome == Attempt::done) {
            set->otime = ipc_now_sec();
            set->waiters.wake_all();
            return 0;
        }
        if (attempt.blocking_flags & abi::ipc_nowait)
            return Errno::eagain;
        Semaphore& sem = set->sems[attempt.blocking_sem];
        bool is_zero_wait = attempt.outcome == Attempt::blocks_on_zero;
        (is_zero_wait ? sem.waiting_for_zero : sem.waiting_for_increase)++;
        auto waited = wait_interruptible(set->waiters, deadline, "semop");
        if (set->is_removed)
            return Errno::eidrm;
        Semaphore& again = set->sems[attempt.blocking_sem];
        (is_zero_wait ? again.waiting_for_zero : again.waiting_for_increase)--;
        if (waited.is_error()) {
            // semop(2): never restarted after a signal handler, whatever SA_RESTART says; the
            // timeout of semtimedop is EAGAIN.
            return waited.error() == Errno::etimedout ? Errno::eagain : Errno::eintr;
        }
    }
}

Result<long> create_set(Context& ctx, i32 key, int nsems, int flags)
{
    if (nsems == 0)
        return Errno::einval;
    if (used_semaphores() + static_cast<u64>(nsems) > abi::semmns || sets().count() >= abi::semmni)
        return Errno::enospc;
    auto set = make_ref<SemSet>();
    const auto& cred = ctx.thread().credentials();
    set->perm.key = key;
    set->perm.uid = set->perm.cuid = cred.euid;
    set->perm.gid = set->perm.cgid = cred.egid;
    set->perm.mode = static_cast<u32>(flags) & 0777u;
    set->sems.resize(static_cast<usize>(nsems));
    set->ctime = ipc_now_sec();
    return TRY(sets().add(set));
}

} // namespace

Result<long> sys_semget(Context& ctx, i32 key, int nsems, int flags)
{
    if (nsems < 0 || nsems > abi::semmsl)
        return Errno::einval;
    if (key == abi::ipc_private)
        return create_set(ctx, key, nsems, flags);
    SemSet* set = sets().find_key(key);
    if (!set) {
        if (!(flags & abi::ipc_creat))
            return Errno::enoent;
        return create_set(ctx, key, nsems, flags);
    }
    if ((flags & abi::ipc_creat) && (flags & abi::ipc_excl))
        return Errno::eexist;
    if (static_cast<usize>(nsems) > set->sems.size())
        return Errno::einval;
    if (!ipc_permits(ctx.thread().credentials(), set->perm, flags))
        return Errno::eacces;
    return set->perm.id;
}

Result<long> sys_semop(Context& ctx, int id, UserPtr<abi::Sembuf> sops, u64 nsops) { return do_semop(ctx, id, sops, nsops, std::nullopt); }

Result<long> sys_semtimedop(Context& ctx, int id, UserPtr<abi::Sembuf> sops, u64 nsops, UserPtr<abi::Timespec> timeout)
{
    std::optional<u64> timeout_ns;
    if (timeout.addr()) {
        if (nsops < 1 || id < 0)
            return Errno::einval;
        if (nsops > abi::semopm)
            return Errno::e2big;
        auto ts = TRY(ctx.user().read(timeout));
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1'000'000'000)
            return Errno::einval;
        timeout_ns = static_cast<u64>(ts.sec) * 1'000'000'000 + static_cast<u64>(ts.nsec);
    }
    return do_semop(ctx, id, sops, nsops, timeout_ns);
}

Result<long> sys_semctl(Context& ctx, int id, int num, int cmd, u64 arg)
{
    if (id < 0 || cmd < 0)
        return Errno::einval;
    const auto& cred = ctx.thread().credentials();
    switch (cmd) {
    case abi::ipc_info:
    case abi::sem_info: {
        abi::Seminfo info {};
        info.semmni = abi::semmni;
        info.semmns = static_cast<i32>(std::min<u64>(abi::semmns, 0x7fffffff));
        info.semmsl = abi::semmsl;
        info.semopm = abi::semopm;
        info.semvmx = abi::semvmx;
        info.semmnu = info.semmns;
        info.semmap = info.semmns;
        info.semume = abi::semume;
        if (cmd == abi::sem_info) {
            info.semusz = static_cast<i32>(sets().count());
            info.semaem = static_cast<i32>(used_semaphores());
        } else {
            info.semusz = abi::semusz;
            info.semaem = abi::semaem;
        }
        TRY(ctx.user().write(UserPtr<abi::Seminfo>(arg), info));
        return std::max(sets().max_index(), 0);
    }
    case abi::sem_stat:
    case abi::sem_stat_any: {
        SemSet* set = sets().at_index(id);
        if (!set)
            return Errno::einval;
        if (cmd == abi::sem_stat && !ipc_permits(cred, set->perm, 0444))
            return Errno::eacces;
        TRY(ctx.user().write(UserPtr<abi::Semid64Ds>(arg), describe(*set)));
        return set->perm.id;
    }
    case abi::ipc_set: {
        auto in = TRY(ctx.user().read(UserPtr<abi::Semid64Ds>(arg)));
        SemSet* set = TRY(sets().find_id(id));
        if (!ipc_may_control(cred, set->perm))
            return Errno::eperm;
        set->perm.set_from(in.sem_perm);
        set->ctime = ipc_now_sec();
        return 0;
    }
    case abi::ipc_rmid: {
        SemSet* set = TRY(sets().find_id(id));
        if (!ipc_may_control(cred, set->perm))
            return Errno::eperm;
        remove_set(*set);
        return 0;
    }
    case abi::ipc_stat:
    case abi::getpid_cmd:
    case abi::getval:
    case abi::getall:
    case abi::getncnt:
    case abi::getzcnt:
    case abi::setval:
    case abi::setall:
        break;
    default:
        return Errno::einval;
    }
    SemSet* set = TRY(sets().find_id(id));
    bool is_write = cmd == abi::setval || cmd == abi::setall;
    if (!ipc_permits(cred, set->perm, is_write ? 0222 : 0444))
        return Errno::eacces;
    usize count = set->sems.size();
    switch (cmd) {
    case abi::ipc_stat:
        TRY(ctx.user().write(UserPtr<abi::Semid64Ds>(arg), describe(*set)));
        return 0;
    case abi::getall: {
        // An array of unsigned short, little endian.
        std::vector<u8> values(count * 2);
        for (usize i = 0; i < count; ++i) {
            values[2 * i] = static_cast<u8>(set->sems[i].value & 0xff);
            values[2 * i + 1] = static_cast<u8>(set->sems[i].value >> 8);
        }
        TRY(ctx.user().write_bytes(arg, values));
        return 0;
    }
    case abi::setall: {
        std::vector<u8> raw(count * 2);
        TRY(ctx.user().read_bytes(arg, raw));
        std::vector<u16> values(count);
        for (usize i = 0; i < count; ++i)
            values[i] = static_cast<u16>(raw[2 * i] | (raw[2 * i + 1] << 8));
        for (u16 value : values)
            if (value > abi::semvmx)
                return Errno::erange;
        i32 pid = ctx.process().pid();
        for (usize i = 0; i < count; ++i) {
            set->sems[i].value = values[i];
            set->sems[i].pid = pid;
        }
        clear_undo(id, std::nullopt);
        set->ctime = ipc_now_sec();
        set->waiters.wake_all();
        return 0;
    }
    default:
        break;
    }
    if (num < 0 || static_cast<usize>(num) >= count)
        return Errno::einval;
    Semaphore& sem = set->sems[static_cast<usize>(num)];
    switch (cmd) {
    case abi::getval:
        return sem.value;
    case abi::getpid_cmd:
        return sem.pid;
    case abi::getncnt:
        return sem.waiting_for_increase;
    case abi::getzcnt:
        return sem.waiting_for_zero;
    case abi::setval: {
        // The union semun argument arrives by value; SETVAL reads its int.
        i32 value = static_cast<i32>(static_cast<u32>(arg));
        if (value < 0 || value > abi::semvmx)
            return Errno::erange;
        sem.value = value;
        sem.pid = ctx.process().pid();
        clear_undo(id, static_cast<usize>(num));
        set->ctime = ipc_now_sec();
        set->waiters.wake_all();
        return 0;
    }
    default:
        return Errno::einval;
    }
}

void sem_exit(i32 pid)
{
    auto it = undo_lists().find(pid);
    if (it == undo_lists().end())
        return;
    for (auto& [id, adjust] : it->second) {
        auto found = sets().find_id(id);
        if (found.is_error())
            continue;
        SemSet& set = *found.value();
        bool is_changed = false;
        for (usize i = 0; i < adjust.size() && i < set.sems.size(); ++i) {
            if (adjust[i] == 0)
                continue;
            // Linux clamps the result into [0, SEMVMX] rather than blocking the exit.
            set.sems[i].value = std::clamp(set.sems[i].value + adjust[i], 0, abi::semvmx);
            set.sems[i].pid = pid;
            is_changed = true;
        }
        if (is_changed) {
            set.otime = ipc_now_sec();
            set.waiters.wake_all();
        }
    }
    undo_lists().erase(it);
}

std::string sysvipc_sem_text()
{
    std::string text = "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n";
    for (auto& [index, set] : sets().objects()) {
        const auto& p = set->perm;
        text += frame::format("%10d %10d  %4o %10zu %5u %5u %5u %5u %10lld %10lld\n", p.key, p.id, p.mode, set->sems.size(), p.uid, p.gid, p.cuid, p.cgid, static_cast<long long>(set->otime), static_cast<long long>(set->ctime));
    }
    return text;
}

} // namespace asterix::services
