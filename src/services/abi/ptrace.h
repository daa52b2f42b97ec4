#pragma once

// Linux's ptrace ABI (uapi linux/ptrace.h, asm/ptrace-abi.h, linux/elf.h, sys/user.h): requests,
// options, events, register set notes and the layout of struct user.

#include <array>

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr long ptrace_traceme = 0;
inline constexpr long ptrace_peektext = 1;
inline constexpr long ptrace_peekdata = 2;
inline constexpr long ptrace_peekuser = 3;
inline constexpr long ptrace_poketext = 4;
inline constexpr long ptrace_pokedata = 5;
inline constexpr long ptrace_pokeuser = 6;
inline constexpr long ptrace_cont = 7;
inline constexpr long ptrace_kill = 8;
inline constexpr long ptrace_singlestep = 9;
inline constexpr long ptrace_getregs = 12;
inline constexpr long ptrace_setregs = 13;
inline constexpr long ptrace_getfpregs = 14;
inline constexpr long ptrace_setfpregs = 15;
inline constexpr long ptrace_attach = 16;
inline constexpr long ptrace_detach = 17;
inline constexpr long ptrace_syscall = 24;
inline constexpr long ptrace_arch_prctl = 30;
inline constexpr long ptrace_sysemu = 31;
inline constexpr long ptrace_sysemu_singlestep = 32;
inline constexpr long ptrace_setoptions = 0x4200;
inline constexpr long ptrace_geteventmsg = 0x4201;
inline constexpr long ptrace_getsiginfo = 0x4202;
inline constexpr long ptrace_setsiginfo = 0x4203;
inline constexpr long ptrace_getregset = 0x4204;
inline constexpr long ptrace_setregset = 0x4205;
inline constexpr long ptrace_seize = 0x4206;
inline constexpr long ptrace_interrupt = 0x4207;
inline constexpr long ptrace_listen = 0x4208;
inline constexpr long ptrace_get_syscall_info = 0x420e;

inline constexpr u64 ptrace_o_tracesysgood = 1;
inline constexpr u64 ptrace_o_tracefork = 1 << 1;
inline constexpr u64 ptrace_o_tracevfork = 1 << 2;
inline constexpr u64 ptrace_o_traceclone = 1 << 3;
inline constexpr u64 ptrace_o_traceexec = 1 << 4;
inline constexpr u64 ptrace_o_tracevforkdone = 1 << 5;
inline constexpr u64 ptrace_o_traceexit = 1 << 6;
inline constexpr u64 ptrace_o_traceseccomp = 1 << 7;
inline constexpr u64 ptrace_o_exitkill = 1 << 20;
inline constexpr u64 ptrace_o_suspend_seccomp = 1 << 21;
inline constexpr u64 ptrace_o_mask = 0xff | ptrace_o_exitkill | ptrace_o_suspend_seccomp;

inline constexpr int ptrace_event_fork = 1;
inline constexpr int ptrace_event_vfork = 2;
inline constexpr int ptrace_event_clone = 3;
inline constexpr int ptrace_event_exec = 4;
inline constexpr int ptrace_event_vfork_done = 5;
inline constexpr int ptrace_event_exit = 6;
inline constexpr int ptrace_event_stop = 128;

/// The event message of syscall stops, read by PTRACE_GET_SYSCALL_INFO.
inline constexpr u64 ptrace_eventmsg_syscall_entry = 1;
inline constexpr u64 ptrace_eventmsg_syscall_exit = 2;

inline constexpr u8 ptrace_syscall_info_none = 0;
inline constexpr u8 ptrace_syscall_info_entry = 1;
inline constexpr u8 ptrace_syscall_info_exit = 2;
inline constexpr u32 audit_arch_x86_64 = 0xc000003e;

/// struct ptrace_syscall_info, with the entry view of its union (the exit view overlays nr).
struct PtraceSyscallInfo {
    u8 op;
    std::array<u8, 3> pad;
    u32 arch;
    u64 instruction_pointer;
    u64 stack_pointer;
    u64 nr_or_rval;
    std::array<u64, 6> args_or_is_error;
    u64 seccomp_ret_data;
};
static_assert(sizeof(PtraceSyscallInfo) == 88);
inline constexpr u64 ptrace_syscall_info_entry_bytes = 80;
inline constexpr u64 ptrace_syscall_info_exit_bytes = 33;
inline constexpr u64 ptrace_syscall_info_none_bytes = 24;

/// Register set notes of PTRACE_GETREGSET (linux/elf.h).
inline constexpr u64 nt_prstatus = 1;
inline constexpr u64 nt_prfpreg = 2;
inline constexpr u64 nt_x86_xstate = 0x202;

/// struct user (sys/user.h): the general registers at 0, the FP registers' presence flag,
/// then ... and the debug registers at u_debugreg.
inline constexpr u64 user_regs_bytes = 27 * 8;
inline constexpr u64 user_fpregs_bytes = 512;
inline constexpr u64 user_debugreg_offset = 848;
/// The kernel's struct user ends with error_code and fault_address after u_debugreg.
inline constexpr u64 user_area_bytes = user_debugreg_offset + 8 * 8 + 16;
/// Offset in the FXSAVE image of the software bytes where Linux puts XCR0 for NT_X86_XSTATE.
inline constexpr u64 xstate_sw_xcr0_offset = 464;

/// si_code values of SIGTRAP (asm-generic/siginfo.h).
inline constexpr int trap_brkpt = 1;
inline constexpr int trap_trace = 2;
inline constexpr int trap_hwbkpt = 4;

/// EFLAGS' trap flag, set by PTRACE_SINGLESTEP.
inline constexpr u64 eflags_trap = 0x100;

} // namespace asterix::services::abi
