#pragma once

#include "frame/types.h"

namespace asterix::arch_x86_64 {

/// Maps the region of guarded kernel task stacks into the kernel's half (task_stack.cpp).
void init_task_stacks();
/// Whether `address` lies in a guard page below a task stack (a kernel stack overflow).
bool is_task_stack_guard(u64 address);

} // namespace asterix::arch_x86_64
