#pragma once

// Linux x86-64 syscall numbers (uapi asm/unistd_64.h), as `nr_NAME`, generated from the one
// list the syscall table is built from.

namespace asterix::services::abi {

enum SyscallNumber : long {
#define AX_SYSCALL(number, name, ...) nr_##name = number,
#include "services/syscalls/syscall_list.h"
#undef AX_SYSCALL
};

} // namespace asterix::services::abi
