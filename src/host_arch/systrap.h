#pragma once

// The systrap platform's plumbing (systrap.cpp): the pages an address-space process shares
// with the kernel, the handoff of a parked guest thread, and its signal frame.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "frame/result.h"
#include "frame/user_mode.h"
#include "host_arch/address_space.h"

namespace asterix::frame::arch {

// The message page's layout (stub.S has it too).
inline constexpr usize state_offset = 0;
inline constexpr usize ucontext_ptr_offset = 8;
inline constexpr usize siginfo_ptr_offset = 16;
inline constexpr usize fs_base_offset = 24;
inline constexpr usize gs_base_offset = 32;
inline constexpr usize guest_tid_offset = 40;
inline constexpr usize stub_cpu_offset = 48;
inline constexpr usize kernel_cpu_offset = 52;
/// The adaptive spin's words (systrap_spin.h): how long the stub may spin for the kernel's
/// next answer (TSC ticks, 0 for not at all; the kernel clears it when it turns to another
/// thread), whether the kernel spins for the next trap (then the stub need not wake it),
/// whether the stub sleeps on the futex (else the kernel need not wake it), and the TSC when
/// the stub last saw an answer and at its last trap.
inline constexpr usize stub_spin_offset = 56;
inline constexpr usize kernel_spinning_offset = 60;
inline constexpr usize stub_resume_tsc_offset = 1000;
inline constexpr usize stub_asleep_offset = 1008;
inline constexpr usize trap_tsc_offset = 1016;
inline constexpr usize altstack_desc_offset = 1024;
/// A patched site's call (stub.S, ax_stub_fast_entry): the registers in user_regs_struct's
/// order (its first 20 fields), and the arithmetic flags (OF, then lahf's byte).
inline constexpr usize fast_regs_offset = 2048;
inline constexpr usize fast_regs_count = 20;
inline constexpr usize fast_flags_offset = 2304;

/// The arguments the stub's rt_sigreturn carries, the only ones the guest thread's filter lets
/// through (stub.S).
inline constexpr u64 sigreturn_key0 = 0x5379737472617030;
inline constexpr u64 sigreturn_key1 = 0x736967726574726e;

/// Allocates and fills the systrap pages of a new address space: the message page (with the
/// guest thread's alternate-stack description) and the setup page (both threads' filters).
Result<std::unique_ptr<SystrapSpace>> prepare_systrap_space();

/// One page of the systrap range that an address-space process maps from the memfd.
struct SystrapChildPage {
    u64 addr;
    u64 offset;
    u64 prot;
};
/// The kernel's struct sigaction, as rt_sigaction reads it.
struct HostSigaction {
    u64 handler;
    u64 flags;
    u64 restorer;
    u64 mask;
};
/// The pages install_systrap_in_child maps, the action it installs and for which signals (the
/// template process's clones do the same from these).
std::vector<SystrapChildPage> systrap_child_pages(const SystrapSpace& systrap);
HostSigaction systrap_handler_action();
std::span<const int> systrap_handled_signals();

/// In the forked child, before the stub runs: maps the systrap pages and installs the guest
/// thread's signal handlers (process-wide). False when the host refused.
bool install_systrap_in_child(int memfd, const SystrapSpace& systrap);

/// Waits for the guest thread's first trap, which parks it for the kernel (setup).
bool wait_for_first_trap(AddressSpace& space);

/// What a trap of the guest thread reported, copied out of its signal frame.
struct SystrapTrap {
    int signo;
    int code;
    u64 addr;      ///< si_addr (faults) or si_call_addr (SIGSYS)
    int syscall;   ///< si_syscall (SIGSYS)
    u32 arch;      ///< si_arch (SIGSYS)
    u64 error;     ///< the page-fault error code (uc_mcontext.err)
    bool is_fast {false}; ///< a patched site's call, through the fast handoff (no frame)
};

/// Writes `ctx`'s registers into the parked guest thread's signal frame, lets it run, and
/// waits until it traps again; then copies its registers into `ctx`. Nothing when the address
/// space was lost (it is marked dead).
std::optional<SystrapTrap> systrap_run(AddressSpace& space, UserContext& ctx);

/// Whether the guest thread is parked in the fast handoff of a patched site (no signal frame:
/// its FPU state is in its registers).
bool systrap_is_fast_parked(const AddressSpace& space);

/// The FPU state in the parked guest thread's signal frame (XSAVE layout, xstate_bytes long):
/// read into `out`, or replaced by `image` (the frame's software-reserved bytes are kept,
/// since the host's rt_sigreturn checks them); an empty image is the power-on state.
void systrap_read_fp(AddressSpace& space, std::vector<u8>& out);
void systrap_write_fp(AddressSpace& space, std::span<const u8> image);

/// Runs `work` on the parked guest thread while it is ptrace-stopped (its debug registers
/// can be read and written only so): seizes it, stops it with PTRACE_INTERRUPT and lets it
/// go on waiting afterwards. False, the address space lost, when the host would not.
bool systrap_with_guest_stopped(AddressSpace& space, const std::function<void(pid_t)>& work);

} // namespace asterix::frame::arch
