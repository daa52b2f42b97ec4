#pragma once

#include "frame/result.h"
#include "services/process/credentials.h"

namespace asterix::services {

class Process;

/// Which of the caller's IDs an access is judged by (Linux's PTRACE_MODE_FSCREDS, used by
/// /proc, and PTRACE_MODE_REALCREDS, used by ptrace and process_vm_readv).
enum class PtraceCreds : u8 { fs, real };

/// Linux's __ptrace_may_access, the one check for reaching into another process (/proc/PID/
/// environ, mem, maps, fd, cwd, root, exe; later ptrace, process_vm_readv, pidfd_getfd): a
/// thread of the same process may; otherwise the caller's uid and gid (fs or real) must equal
/// the target's real, effective and saved ones, or the caller has CAP_SYS_PTRACE; and the
/// target must be dumpable unless the caller has CAP_SYS_PTRACE. EPERM (/proc turns it into
/// EACCES, as Linux does).
Result<void> ptrace_may_access(const Credentials& caller, const Process* caller_process, const Process& target,
    PtraceCreds which);

/// Yama's kernel.yama.ptrace_scope (/proc/sys/kernel/yama/ptrace_scope): 0 classic rules, 1
/// only an ancestor attaches, 2 only with CAP_SYS_PTRACE, 3 no attaching. Default 0.
int yama_ptrace_scope();
/// EINVAL outside 0..3; once 3, it stays (EINVAL), as Yama's sysctl.
Result<void> set_yama_ptrace_scope(int scope);

/// The owner /proc shows for a process's entries (Linux's task_dump_owner): its effective
/// IDs while it is dumpable, else root's.
struct DumpOwner {
    u32 uid;
    u32 gid;
};
DumpOwner dump_owner(const Process& target);

} // namespace asterix::services
