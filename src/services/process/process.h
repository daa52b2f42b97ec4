#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "frame/ref.h"
#include "frame/task.h"
#include "frame/user_mode.h"
#include "services/abi.h"
#include "services/fs/dentry.h"
#include "services/fs/fd_table.h"
#include "services/mm/memory_map.h"

namespace asterix::services {

inline constexpr int signal_count = 64;

/// Resource limits, by RLIMIT_* number.
inline constexpr int rlimit_count = 16;
inline constexpr int rlimit_stack = 3;
inline constexpr int rlimit_nofile = 7;

/// A guest process (thread group): its address space, files and the state its threads share.
class Process : public RefCounted<Process> {
public:
    Process(i32 pid, i32 ppid) : m_pid(pid), m_ppid(ppid) {}

    i32 pid() const { return m_pid; }
    i32 ppid() const { return m_ppid; }

    /// The short name (comm): the program's base name, at most 15 bytes.
    std::string comm;
    /// The program path as exec resolved it (what /proc/self/exe shows).
    std::string exe_path;
    /// The arguments and environment of the running program (/proc/PID/cmdline, environ).
    std::vector<std::string> argv;
    std::vector<std::string> envp;
    /// When the process started (monotonic ns), for /proc/PID/stat.
    u64 start_time_ns {0};
    /// The process's root and working directories (chroot and chdir change them).
    Ref<Dentry> root_dir;
    Ref<Dentry> cwd;
    u32 umask {022};
    u32 uid {0};
    u32 gid {0};

    std::unique_ptr<MemoryMap> memory;
    FdTable files;
    std::array<abi::KSigAction, signal_count> sig_actions {};
    std::array<abi::Rlimit, rlimit_count> rlimits {};

    bool has_exited {false};
    /// The wait status (exit code << 8, or the fatal signal) once exited.
    int wait_status {0};

    frame::VmSpace& vm() { return memory->vm(); }

private:
    i32 m_pid;
    i32 m_ppid;
};

/// A guest thread: a register set that runs in its process's address space, and the kernel
/// task that runs it.
class Thread {
public:
    Thread(i32 tid, Ref<Process> process) : m_tid(tid), m_process(std::move(process)) {}

    i32 tid() const { return m_tid; }
    Process& process() { return *m_process; }

    frame::UserContext context;
    u64 sig_mask {0};
    abi::StackT alt_stack {0, 2 /* SS_DISABLE */, 0, 0};
    u64 clear_child_tid {0};
    u64 robust_list_head {0};
    u64 robust_list_len {0};
    /// The registered rseq area (0 when none), its length and signature.
    u64 rseq_area {0};
    u32 rseq_len {0};
    u32 rseq_signature {0};
    bool is_exiting {false};

private:
    i32 m_tid;
    Ref<Process> m_process;
};

/// Limits a new process starts with (Linux defaults).
std::array<abi::Rlimit, rlimit_count> default_rlimits();

/// A thread was preempted: if it was inside an rseq critical section, it restarts at the abort
/// handler (syscalls/rseq.cpp).
void rseq_preempted(Thread& thread);

/// Runs a guest thread to its end: execute, handle the syscall or exception, repeat.
void run_thread(Thread& thread);

/// Ends the whole process with a wait status; for the first process, the machine stops.
void exit_process(Process& process, int wait_status);

} // namespace asterix::services
