#include "services/process/process.h"

#include <algorithm>
#include <map>

#include "services/kernel_memory.h"
#include "services/process/process_table.h"

namespace asterix::services {

Process::Process(Key, i32 pid, Process* parent) : m_pid(pid), m_parent(parent) {}

Process::~Process() = default;

Ref<Process> Process::create_first(const FirstProcessSpec& spec)
{
    auto process = make_ref<Process>(Key {}, spec.pid, spec.parent);
    process->m_is_kernel_init = spec.is_kernel_init;
    process->m_is_unkillable = spec.pid == 1;
    process->m_pgid = spec.pid;
    process->m_sid = spec.pid;
    process->m_fs = make_ref<FsContext>();
    process->m_fs->root = spec.root;
    process->m_fs->cwd = spec.cwd;
    process->m_sighand = make_ref<SignalHandlers>();
    process->m_files = make_ref<FdTable>();
    process->m_rlimits = default_rlimits();
    process->m_program.argv = spec.argv;
    process->m_program.envp = spec.envp;
    if (spec.is_kernel_init) {
        // It has no program: these are what /proc shows for it. Its credentials are root's
        // for good, as it never has a thread to carry them.
        process->m_program.comm = "init";
        process->m_program.exe_path = "/init";
        process->m_exit_credentials = Credentials::for_user(0, 0);
    }
    process->m_start_time_ns = ProcessTable::uptime_ns();
    return process;
}

i32 Process::ppid() const { return m_parent ? m_parent->pid() : 0; }

void Process::set_comm(std::string comm)
{
    if (comm.size() > 15)
        comm.resize(15);
    m_program.comm = std::move(comm);
}

void Process::replace_image(Ref<MemoryMap> memory, std::string exe_path, std::vector<std::string> argv,
    std::vector<std::string> envp, KernelCharge args_charge, std::string comm, bool is_dumpable)
{
    m_memory = std::move(memory);
    m_aio_contexts.clear(); // their rings were in the old memory
    m_program.exe_path = std::move(exe_path);
    m_program.argv = std::move(argv);
    m_program.envp = std::move(envp);
    m_program.args_charge = std::move(args_charge);
    set_comm(std::move(comm));
    m_is_dumpable = is_dumpable;
}

const Credentials& Process::credentials() const
{
    if (!m_threads.empty())
        return m_threads.front()->credentials();
    AX_ASSERT(m_exit_credentials);
    return *m_exit_credentials;
}

void Process::release_resources()
{
    if (m_memory)
        m_memory->sync_all();
    m_memory = Ref<MemoryMap>();
    m_aio_contexts.clear();
    m_files = Ref<FdTable>();
    m_fs = Ref<FsContext>();
}

Thread& Process::add_thread(i32 tid, Ref<const Credentials> credentials)
{
    m_threads.push_back(std::make_unique<Thread>(Thread::Key {}, tid, Ref<Process>(this), std::move(credentials)));
    return *m_threads.back();
}

void Process::remove_thread(Thread& thread)
{
    if (m_threads.size() == 1)
        m_exit_credentials = thread.credentials_ref();
    std::erase_if(m_threads, [&](const auto& other) { return other.get() == &thread; });
}

void Process::reap_child(Process& child)
{
    m_cpu_times.children_user_ns += child.m_cpu_times.user_ns + child.m_cpu_times.children_user_ns;
    m_cpu_times.children_system_ns += child.m_cpu_times.system_ns + child.m_cpu_times.children_system_ns;
    std::erase_if(m_children, [&](const Ref<Process>& entry) { return entry.ptr() == &child; });
}

bool Process::begin_exit(int wait_status)
{
    if (m_life.is_exiting)
        return false;
    m_life.is_exiting = true;
    m_life.wait_status = wait_status;
    m_life.is_stopped = false;
    return true;
}

void Process::mark_exited()
{
    m_life.is_exiting = true;
    m_life.has_exited = true;
}

bool Process::mark_stopped(int sig)
{
    if (m_life.is_stopped)
        return false;
    m_life.is_stopped = true;
    m_life.stop_signal = sig;
    m_life.has_stop_to_report = true;
    m_life.has_continue_to_report = false;
    return true;
}

bool Process::mark_continued()
{
    if (!m_life.is_stopped)
        return false;
    m_life.is_stopped = false;
    m_life.has_stop_to_report = false;
    m_life.has_continue_to_report = true;
    return true;
}

void Process::mark_execed()
{
    m_has_execed = true;
    if (m_is_vfork_child) {
        m_is_vfork_child = false;
        m_vfork_done.wake_all();
    }
}

namespace {
std::map<u32, u64>& queued_by_uid()
{
    static std::map<u32, u64> queued;
    return queued;
}

/// What one queued siginfo costs the kernel (the entry and its share of the deque).
constexpr usize queued_signal_bytes = sizeof(PendingSignals::Entry) + 16;

void uncharge(const PendingSignals::Entry& entry)
{
    KernelMemory::uncharge(queued_signal_bytes);
    auto& queued = queued_by_uid();
    if (auto it = queued.find(entry.uid); it != queued.end() && --it->second == 0)
        queued.erase(it);
}
} // namespace

PendingSignals::~PendingSignals()
{
    for (const auto& entry : queue)
        uncharge(entry);
}

u64 PendingSignals::queued_for(u32 uid)
{
    auto it = queued_by_uid().find(uid);
    return it == queued_by_uid().end() ? 0 : it->second;
}

bool PendingSignals::can_queue(u32 uid, u64 limit)
{
    return queued_for(uid) < limit && KernelMemory::has_room(queued_signal_bytes);
}

bool PendingSignals::add(const abi::SigInfo& info, u32 uid, u64 limit)
{
    // Senders build the siginfo from a Signal, so its number is valid.
    auto sig = abi::Signal::from_valid(info.signo);
    bool is_realtime = sig.is_realtime();
    if (has(sig) && !is_realtime)
        return true; // a standard signal is pending once
    // The instance's kernel memory bounds the queue too, for a user whose limit is infinite.
    if (queued_for(uid) >= limit || KernelMemory::charge(queued_signal_bytes).is_error()) {
        if (is_realtime)
            return false;
        mask.add(sig); // pending, its siginfo lost
        return true;
    }
    mask.add(sig);
    queue.push_back({info, uid});
    ++queued_by_uid()[uid];
    return true;
}

abi::SigInfo PendingSignals::take(abi::Signal sig)
{
    abi::SigInfo info {};
    info.signo = sig;
    auto is_sig = [sig](const Entry& entry) { return entry.info.signo == sig; };
    if (auto it = std::find_if(queue.begin(), queue.end(), is_sig); it != queue.end()) {
        info = it->info;
        uncharge(*it);
        queue.erase(it);
    }
    if (std::none_of(queue.begin(), queue.end(), is_sig))
        mask.remove(sig);
    return info;
}

void PendingSignals::discard(abi::Signal sig)
{
    mask.remove(sig);
    std::erase_if(queue, [sig](const Entry& entry) {
        if (entry.info.signo != sig)
            return false;
        uncharge(entry);
        return true;
    });
}

bool Process::is_traced() const
{
    return std::any_of(m_threads.begin(), m_threads.end(), [](const auto& thread) { return bool(thread->ptrace_link()); });
}

} // namespace asterix::services
