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

/// The x86 debug registers a tracer gave a guest thread (ptrace's u_debugreg), validated as
/// Linux's ptrace_set_debugreg does: DR0-DR3 hold user addresses suitably aligned for their
/// slot's length, DR7's length and type fields must name a real breakpoint, DR4 and DR5 do
/// not exist, DR6 is the status the last debug exception left. The backend arms the enabled
/// slots in the CPU while the thread runs (hosted ptrace platform) and reports hits here.
class DebugRegisters {
public:
    static constexpr usize slots = 4;
    /// DR6's hit bits for slots 0-3 and the single-step bit.
    static constexpr u64 status_hits = 0xf;
    static constexpr u64 status_step = 1ull << 14;

    /// What PEEKUSER reads at u_debugreg[index] (index below 8).
    u64 read(usize index) const;
    /// POKEUSER at u_debugreg[index] (index below 8): EIO for DR4 and DR5, EINVAL for an
    /// address outside user space or misaligned for its slot, or a DR7 naming an I/O
    /// breakpoint or an execute breakpoint longer than one byte (nothing changes then).
    Result<void> write(usize index, u64 value);

    /// For the backend: the enabled slots, as they go into the CPU. A slot whose range does
    /// not lie wholly in guest user space (below user_space_end) is never armed, so a guest
    /// cannot trap the kernel's own code or data that the address space also holds.
    struct Hardware {
        std::array<u64, slots> addresses {};
        u64 dr7 {0}; ///< local-enable bits and length/type fields of the armed slots only
        bool operator==(const Hardware&) const = default;
    };
    Hardware hardware() const;
    /// For the backend: a debug exception hit; `status` has DR6's B0-B3 and BS bits.
    void record_exception(u64 status);

private:
    struct Slot {
        bool exists {false}; ///< set once (Linux registers a breakpoint on first use)
        u64 address {0};
        u8 length {1};       ///< 1, 2, 4 or 8 bytes
        u8 type {1};         ///< DR7's R/W field: 0 execute, 1 write, 3 read/write
    };
    static Result<void> check(u64 address, u8 length);
    std::array<Slot, slots> m_slots {};
    u64 m_dr7 {0};    ///< as the tracer wrote it
    u64 m_status {0}; ///< DR6's hit and step bits, in positive polarity
};

/// The saved state of one guest thread: general registers, TLS bases and FPU/SSE/AVX state.
class UserContext {
public:
    UserContext();
    ~UserContext();
    UserContext(const UserContext&) = delete;
    UserContext& operator=(const UserContext&) = delete;

    GeneralRegs regs {};
    /// The debug registers (a fresh thread and an exec start without any, as on Linux).
    DebugRegisters debug {};

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
    debug,        ///< a hardware breakpoint or watchpoint hit (context.debug tells which)
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
