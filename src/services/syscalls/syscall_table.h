#pragma once

#include <array>

#include "frame/result.h"
#include "services/syscalls/context.h"

namespace asterix::services {

using SyscallArgs = std::array<u64, 6>;

struct SyscallEntry {
    const char* name;
    Result<long> (*handler)(Context&, const SyscallArgs&);
};

/// The table entry of a syscall number, or nullptr for one Asterix does not implement.
const SyscallEntry* find_syscall(u64 number);

/// Runs the syscall the thread stopped on and puts its result in the thread's rax. The one
/// place where Result becomes -errno; ENOSYS (logged once per number) for a missing syscall.
void dispatch_syscall(Thread& thread);

/// --panic-on-enosys: an unimplemented syscall stops the kernel with its state.
void set_panic_on_enosys(bool is_on);
/// At the instance's end, with --log=syscall:info: a table of the unimplemented syscall
/// numbers the guests called and how often.
void report_unimplemented_syscalls();

} // namespace asterix::services
