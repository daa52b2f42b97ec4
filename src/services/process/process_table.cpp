#include "services/process/process_table.h"

#include <algorithm>

#include "frame/clock.h"
#include "frame/task.h"
#include "services/fs/pid_file.h"

namespace asterix::services {

namespace {
constexpr i32 pid_max = 4194304;

std::map<i32, Process*>& processes()
{
    static std::map<i32, Process*> table;
    return table;
}

std::map<i32, Thread*>& threads()
{
    static std::map<i32, Thread*> table;
    return table;
}

i32 g_last_id = 0;
u64 g_boot_monotonic_ns = 0;

/// Linux's MIN_THREADS (kernel/fork.c): kernel.threads-max cannot go below it.
constexpr u64 min_threads = 20;
u64 g_threads_max = ~0ull;
u64 g_threads_ceiling = ~0ull;
u64 g_max_processes = ~0ull;
i32 g_instance_leader = 1;
} // namespace

Result<i32> ProcessTable::allocate_id()
{
    for (i32 tries = 0; tries < pid_max; ++tries) {
        g_last_id = g_last_id >= pid_max - 1 ? 2 : g_last_id + 1;
        if (!processes().contains(g_last_id) && !threads().contains(g_last_id))
            return g_last_id;
    }
    return Errno::eagain;
}

bool ProcessTable::is_valid_id(i32 id) { return id >= 1 && id < pid_max; }

Result<i32> ProcessTable::claim_id(i32 id)
{
    if (!is_valid_id(id))
        return Errno::einval;
    if (processes().contains(id) || threads().contains(id))
        return Errno::eexist;
    return id;
}

void ProcessTable::add(Process& process) { processes()[process.pid()] = &process; }
void ProcessTable::remove(Process& process)
{
    processes().erase(process.pid());
    // A reaped process hangs up its pidfds.
    PidFile::notify_exit(process);
}

Process* ProcessTable::find(i32 pid)
{
    auto it = processes().find(pid);
    return it == processes().end() ? nullptr : it->second;
}

const std::map<i32, Process*>& ProcessTable::all() { return processes(); }

void ProcessTable::add_thread(Thread& thread) { threads()[thread.tid()] = &thread; }

void ProcessTable::remove_thread(Thread& thread) { threads().erase(thread.tid()); }

Thread* ProcessTable::find_thread(i32 tid)
{
    auto it = threads().find(tid);
    return it == threads().end() ? nullptr : it->second;
}

usize ProcessTable::count_for_user(u32 uid)
{
    usize count = 0;
    // Linux counts every task (thread) of the user against RLIMIT_NPROC. The kernel's init
    // runs no task.
    for (auto& [pid, process] : processes()) {
        if (process->credentials().uid == uid && !process->has_exited() && !process->is_kernel_init())
            count += std::max<usize>(1, process->threads().size());
    }
    return count;
}

void ProcessTable::set_limits(u64 threads_max, u64 threads_ceiling, u64 max_processes)
{
    g_threads_ceiling = std::max(threads_ceiling, min_threads);
    g_threads_max = std::clamp(threads_max, min_threads, g_threads_ceiling);
    g_max_processes = std::max<u64>(max_processes, 1);
}

u64 ProcessTable::threads_max() { return g_threads_max; }

Result<void> ProcessTable::set_threads_max(u64 value)
{
    if (value < min_threads || value > g_threads_ceiling)
        return Errno::einval;
    g_threads_max = value;
    return {};
}

u64 ProcessTable::max_processes() { return g_max_processes; }

usize ProcessTable::thread_count() { return threads().size(); }

usize ProcessTable::live_process_count()
{
    usize count = 0;
    for (auto& [pid, process] : processes())
        count += !process->has_exited() && !process->is_kernel_init();
    return count;
}

Result<void> ProcessTable::check_room_for(bool is_new_process)
{
    // Linux's copy_process() checks nr_threads against max_threads for root too.
    if (thread_count() >= g_threads_max)
        return Errno::eagain;
    if (is_new_process && live_process_count() >= g_max_processes)
        return Errno::eagain;
    return {};
}

void ProcessTable::set_instance_leader(i32 pid) { g_instance_leader = pid; }
i32 ProcessTable::instance_leader() { return g_instance_leader; }

Thread* ProcessTable::current_thread()
{
    // The running kernel task's tag is the guest tid it runs.
    frame::Task* task = frame::current_task_or_null();
    if (!task || !task->tag)
        return nullptr;
    return find_thread(static_cast<i32>(task->tag));
}

Process* ProcessTable::current()
{
    Thread* thread = current_thread();
    return thread ? &thread->process() : nullptr;
}

void ProcessTable::set_boot_time(u64 monotonic_ns) { g_boot_monotonic_ns = monotonic_ns; }
u64 ProcessTable::uptime_ns() { return frame::monotonic_ns() - g_boot_monotonic_ns; }
u64 ProcessTable::boot_epoch_sec() { return (frame::realtime_ns() - uptime_ns()) / 1'000'000'000; }

} // namespace asterix::services
