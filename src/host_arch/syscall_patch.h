#pragma once

// Patched syscall sites (the systrap platform; syscall_patch.cpp). A `mov $N, %eax; syscall`
// that trapped is rewritten, in a private copy of its page, into a `jmp *abs32` through an
// entry of the trampoline table, which the stub's fast handoff (stub.S) takes to the kernel
// without a seccomp trap or a signal frame.

#include "frame/user_mode.h"
#include "frame/vm_space.h"

namespace asterix::frame::arch {

/// Where the trampoline table lies in every process. Its address's two high bytes (06 00)
/// are what a patched site keeps where its syscall instruction was: 06 is an invalid opcode
/// in 64-bit mode, so that a thread that ran the old `mov` and resumes at the old `syscall`
/// faults there, and the kernel restarts it at the patched jump (gVisor chose the same).
inline constexpr u64 patch_table_addr = 0x60000;
inline constexpr usize patch_table_page_count = 16;
inline constexpr u64 patch_table_end = patch_table_addr + patch_table_page_count * page_size;
/// Each entry: its own address + 8 (what the patched `jmp *abs32` loads), then
/// `movabs $return, %rcx; mov $N, %eax; jmp *patch_table_addr` (entry 0 holds the stub's
/// fast entry), padded with int3.
inline constexpr usize patch_entry_bytes = 32;

/// After a trapped syscall: patches its site when it has the form, the process may be
/// patched and the trap flag is clear.
void patch_syscall_site(VmSpace& vm, const GeneralRegs& regs);

/// A fault at `regs.rip` where a patched site's syscall instruction was (a thread that ran
/// the old `mov`, or a restarted syscall): rewinds to the site's jump and returns true, or,
/// for a restart_syscall the kernel set up, makes `regs` that call and returns true as well
/// with `is_syscall` set. False when the fault is not a patched site's.
bool restart_patched_site(VmSpace& vm, GeneralRegs& regs, bool& is_syscall);

/// A trap inside a patched site's path (its trampoline entry, or the stub's fast entry: a
/// guest that single-steps with the trap flag): makes `regs` the syscall that was on its way
/// to the kernel and returns true; false when `regs.rip` is not there.
bool take_call_in_patch_path(VmSpace& vm, GeneralRegs& regs);

} // namespace asterix::frame::arch
