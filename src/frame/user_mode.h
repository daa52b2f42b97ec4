#pragma once

#include <array>
#include <span>
#include <vector>

#include "frame/result.h"
#include "frame/types.h"
#include "frame/vm_space.h"

namespace asterix::frame {

/// The general registers of a guest thread, in the layout of Linux's user_regs_struct.
struct GeneralRegs {
    u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs,
        eflags, rsp, ss, fs_base, gs_base, ds, es, fs, gs;
};

/// The saved state of one guest thread: general registers, TLS bases and FPU/SSE/AVX state.
class UserContext {
public:
    UserContext();
    ~UserContext();
    UserContext(const UserContext&) = delete;
    UserContext& operator=(const UserContext&) = delete;

    GeneralRegs regs {};

    /// Syscall view of the registers (x86-64 Linux convention).
    u64 syscall_number() const { return regs.orig_rax; }
    std::array<u64, 6> syscall_args() const
    {
        return {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
    }
    void set_syscall_return(i64 value) { regs.rax = static_cast<u64>(value); }

    /// Starts the thread afresh at `ip` with stack `sp` (execve): registers and FPU reset.
    void reset_for_exec(u64 ip, u64 sp);

    /// The FPU/SIMD state as a signal frame holds it (Linux's fpstate): the XSAVE
    /// standard-format image of `features` (x87, SSE, AVX, AVX-512, PKRU: what the CPU has
    /// enabled, without AMX tile data), or the 512-byte FXSAVE image alone when `features` is 0
    /// (no XSAVE in use). Fetches the state from the backend when it lives there.
    struct FpSignalImage {
        std::vector<u8> bytes;
        u64 features {0};
    };
    FpSignalImage fp_signal_state(VmSpace& vm);
    /// Restores the state from a signal frame (rt_sigreturn): an image as above holding
    /// `features` (beyond fp_signal_state's are ignored; its size at most fp_signal_state's:
    /// EINVAL otherwise), or with `features` 0 just the FXSAVE part, the rest of the state
    /// going back to its initial values, as Linux does for a frame without XSAVE data.
    Result<void> set_fp_signal_state(VmSpace& vm, std::span<const u8> image, u64 features);
    /// Gives the thread the power-on FPU state (a signal handler starts with it).
    void reset_fp_state();
    /// Copies another thread's registers and FPU state (fork and clone start from the parent's).
    void copy_from(VmSpace& vm, UserContext& parent);

    /// Backend bookkeeping. The FPU/SSE/AVX state in XSAVE layout is valid only when
    /// `is_fp_saved`; otherwise it lives in the backend (fetching it costs, so the backend does
    /// it only when it must).
    std::vector<u8> fp_state;
    bool is_fp_saved {false};
    bool is_fp_initial {true};

    /// Backend bookkeeping: which address space currently holds this context's FPU state.
    VmSpace* loaded_in {nullptr};
    /// Backend bookkeeping (bare metal): the guest's MXCSR and x87 control word as it left
    /// ring 3 last; kernel task switches (fcontext) reload both in the CPU.
    u32 fp_mxcsr {0x1f80};
    u16 fp_control_word {0x37f};
};

enum class ExceptionKind : u8 {
    page_fault,
    general_protection,
    invalid_opcode,
    divide_error,
    breakpoint,
    bus_error,
    address_space_lost, ///< the backend lost the address space (host process died)
};

struct ExceptionInfo {
    ExceptionKind kind;
    u64 addr;     ///< faulting address (page faults, bus errors)
    Access access; ///< for page faults
    int code;     ///< finer code, Linux si_code style, when the backend knows it (not page faults)
    /// For page faults: what the fault handler made of this fault (never `handled`: those
    /// faults are retried inside execute_user). Signal delivery derives the signal from it.
    FaultOutcome fault {FaultOutcome::no_mapping};
};

struct ReturnReason {
    enum class Kind : u8 { syscall, exception, interrupted } kind;
    ExceptionInfo exception {};
};

/// Runs the guest thread `ctx` in address space `vm` until it makes a syscall, takes an
/// exception the page table cannot resolve, or an interrupt (timer, device) needs the kernel.
/// Page faults on pages the page table allows are handled inside, invisibly.
ReturnReason execute_user(VmSpace& vm, UserContext& ctx);

} // namespace asterix::frame
