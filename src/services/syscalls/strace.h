#pragma once

#include "services/syscalls/syscall_table.h"

namespace asterix::services {

void set_strace_on(bool is_on);
bool is_strace_on();

/// Prints one completed syscall in strace's format ("[pid N] name(args) = result").
void trace_syscall(Context& ctx, u64 number, const SyscallEntry* entry, const SyscallArgs& args, long result);

/// Prints how a process ended ("+++ exited with 0 +++", "+++ killed by SIGSEGV +++").
void trace_process_end(i32 pid, int wait_status);

} // namespace asterix::services
