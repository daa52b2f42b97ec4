// UserMode on bare metal: a guest thread runs in ring 3 on its address space's page tables and
// comes back on a syscall, an exception or an interrupt (user_entry.S, interrupts.cpp).

#include "arch_x86_64/address_space.h"
#include "arch_x86_64/cpu.h"
#include "arch_x86_64/user_mode.h"
#include "frame/user_mode.h"

extern "C" asterix::u64 ax_enter_user(asterix::frame::GeneralRegs* regs, bool is_sysret);

namespace asterix::arch_x86_64 {
UserException g_user_exception;
}

namespace asterix::frame {

namespace {
constexpr u64 user_cs = 0x23;
constexpr u64 user_ss = 0x1b;
constexpr u32 msr_fs_base = 0xc0000100;
constexpr u64 reason_syscall = 1;
constexpr u64 reason_exception = 2;
constexpr u64 pf_present = 1;
constexpr u64 pf_write = 2;
constexpr u64 pf_fetch = 16;
constexpr u64 user_address_end = 0x0000'8000'0000'0000;

/// Whether sysretq can return to `regs`: it takes rip from rcx and rflags from r11, so they
/// must hold those already (true after a syscall unless a signal or exec changed the frame),
/// and a non-canonical rip would fault in ring 0 on the guest's stack (Intel's sysret).
bool can_sysret(const GeneralRegs& regs)
{
    return regs.rcx == regs.rip && regs.r11 == regs.eflags && regs.rip < user_address_end;
}

ReturnReason exception(ExceptionKind kind, u64 addr = 0, Access access = Access::read, int code = 0)
{
    return {ReturnReason::Kind::exception, {kind, addr, access, code}};
}
} // namespace

// The FPU/SSE state stays in the CPU while the kernel runs (it is built with
// -mgeneral-regs-only), so it is switched only when another guest thread runs: the CPU holds
// the state of g_fpu_owner, and fp_state (the FXSAVE image) is valid while `is_fp_saved`.
// One exception: a kernel task switch (Boost.Context's jump_fcontext) saves and reloads MXCSR
// and the x87 control word, so the CPU may hold another task's; the owner's are kept in its
// context when it leaves ring 3 and put into the image when it is saved.
namespace {
UserContext* g_fpu_owner = nullptr;
u64 g_loaded_fs_base = 0; // FS_BASE is 0 at power-on
constexpr u32 initial_mxcsr = 0x1f80;
constexpr u16 initial_control_word = 0x37f;
constexpr usize fxsave_size = 512;

constexpr usize fcw_offset = 0;
constexpr usize mxcsr_offset = 24;

void save_fpu(UserContext& ctx)
{
    alignas(16) u8 image[fxsave_size];
    asm volatile("fxsave64 %0" : "=m"(image));
    for (usize i = 0; i < 2; ++i)
        image[fcw_offset + i] = static_cast<u8>(ctx.fp_control_word >> (8 * i));
    for (usize i = 0; i < 4; ++i)
        image[mxcsr_offset + i] = static_cast<u8>(ctx.fp_mxcsr >> (8 * i));
    ctx.fp_state.assign(image, image + fxsave_size);
    ctx.is_fp_saved = true;
}

/// Keeps the control registers the guest left in the CPU (see above).
void note_fp_control(UserContext& ctx)
{
    asm volatile("stmxcsr %0; fnstcw %1" : "=m"(ctx.fp_mxcsr), "=m"(ctx.fp_control_word));
}

/// Gives the CPU's FPU to `ctx`, saving the previous owner's state.
void load_fpu(UserContext& ctx)
{
    if (g_fpu_owner == &ctx)
        return;
    if (g_fpu_owner)
        save_fpu(*g_fpu_owner);
    if (ctx.is_fp_initial || !ctx.is_fp_saved) {
        u32 mxcsr = initial_mxcsr;
        asm volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));
        // The SSE registers are zero after power-on; give a fresh thread the same.
        asm volatile("xorps %%xmm0, %%xmm0; xorps %%xmm1, %%xmm1; xorps %%xmm2, %%xmm2; xorps %%xmm3, %%xmm3;"
                     "xorps %%xmm4, %%xmm4; xorps %%xmm5, %%xmm5; xorps %%xmm6, %%xmm6; xorps %%xmm7, %%xmm7;"
                     "xorps %%xmm8, %%xmm8; xorps %%xmm9, %%xmm9; xorps %%xmm10, %%xmm10; xorps %%xmm11, %%xmm11;"
                     "xorps %%xmm12, %%xmm12; xorps %%xmm13, %%xmm13; xorps %%xmm14, %%xmm14; xorps %%xmm15, %%xmm15" ::);
        ctx.is_fp_initial = false;
        ctx.fp_mxcsr = initial_mxcsr;
        ctx.fp_control_word = initial_control_word;
    } else {
        alignas(16) u8 image[fxsave_size];
        std::copy(ctx.fp_state.begin(), ctx.fp_state.begin() + fxsave_size, image);
        asm volatile("fxrstor64 %0" ::"m"(image));
        ctx.fp_control_word = static_cast<u16>(image[fcw_offset] | image[fcw_offset + 1] << 8);
        ctx.fp_mxcsr = static_cast<u32>(image[mxcsr_offset] | image[mxcsr_offset + 1] << 8
            | image[mxcsr_offset + 2] << 16 | static_cast<u32>(image[mxcsr_offset + 3]) << 24);
    }
    ctx.is_fp_saved = false;
    g_fpu_owner = &ctx;
}

/// Makes fp_state the truth: saves the CPU's copy if `ctx` owns it, and gives up ownership.
void release_fpu(UserContext& ctx)
{
    if (g_fpu_owner != &ctx)
        return;
    save_fpu(ctx);
    g_fpu_owner = nullptr;
}
} // namespace

UserContext::UserContext() = default;
UserContext::~UserContext()
{
    if (g_fpu_owner == this)
        g_fpu_owner = nullptr;
}

void UserContext::reset_for_exec(u64 ip, u64 sp)
{
    regs = {};
    regs.rip = ip;
    regs.rsp = sp;
    regs.eflags = 0x202;
    regs.cs = user_cs;
    regs.ss = user_ss;
    reset_fp_state();
}

UserContext::FpSignalImage UserContext::fp_signal_state(VmSpace&)
{
    // No XSAVE here (CR4.OSXSAVE is off): the frame holds the FXSAVE image alone.
    release_fpu(*this);
    std::vector<u8> image(fxsave_size, 0);
    if (is_fp_saved) {
        std::copy(fp_state.begin(), fp_state.begin() + fxsave_size, image.begin());
    } else { // never ran: the power-on state
        image[fcw_offset] = initial_control_word & 0xff;
        image[fcw_offset + 1] = initial_control_word >> 8;
        for (usize i = 0; i < 4; ++i)
            image[mxcsr_offset + i] = static_cast<u8>(initial_mxcsr >> (8 * i));
    }
    return {std::move(image), 0};
}

Result<void> UserContext::set_fp_signal_state(VmSpace&, std::span<const u8> image, u64)
{
    if (image.size() < fxsave_size)
        return Errno::einval;
    release_fpu(*this);
    fp_state.assign(image.begin(), image.begin() + fxsave_size);
    // Software-reserved bytes are not state; MXCSR's reserved upper half would make fxrstor
    // fault (#GP in the kernel): clear both, as Linux masks a signal frame's MXCSR.
    std::fill(fp_state.begin() + 464, fp_state.end(), u8 {0});
    fp_state[mxcsr_offset + 2] = 0;
    fp_state[mxcsr_offset + 3] = 0;
    is_fp_saved = true;
    is_fp_initial = false;
    return {};
}

void UserContext::reset_fp_state()
{
    if (g_fpu_owner == this)
        g_fpu_owner = nullptr;
    is_fp_initial = true;
    is_fp_saved = false;
    fp_state.clear();
}

void UserContext::copy_from(VmSpace& vm, UserContext& parent)
{
    regs = parent.regs;
    if (parent.is_fp_initial) {
        reset_fp_state();
        return;
    }
    MUST(set_fp_signal_state(vm, parent.fp_signal_state(vm).bytes, 0));
}

ReturnReason execute_user(VmSpace& vm, UserContext& ctx)
{
    u64 last_fault = ~0ull;
    int repeats = 0;
    for (;;) {
        vm.arch().load();
        if (ctx.regs.fs_base != g_loaded_fs_base) { // wrmsr is slow: only on a change
            arch_x86_64::write_msr(msr_fs_base, ctx.regs.fs_base);
            g_loaded_fs_base = ctx.regs.fs_base;
        }
        ctx.regs.cs = user_cs;
        ctx.regs.ss = user_ss;
        ctx.regs.eflags = (ctx.regs.eflags & 0xcd5) | 0x202; // user-settable flags, IF on
        load_fpu(ctx);
        u64 reason = ax_enter_user(&ctx.regs, can_sysret(ctx.regs));
        asm volatile("sti"); // the syscall entry and the vectors come back with interrupts off
        note_fp_control(ctx);
        if (reason == reason_syscall)
            return {ReturnReason::Kind::syscall, {}};
        if (reason != reason_exception)
            return {ReturnReason::Kind::interrupted, {}};
        const auto& fault = arch_x86_64::g_user_exception;
        switch (fault.vector) {
        case 14: {
            Access access = (fault.error_code & pf_fetch) ? Access::exec : (fault.error_code & pf_write) ? Access::write : Access::read;
            repeats = fault.address == last_fault ? repeats + 1 : 0;
            last_fault = fault.address;
            if (!(fault.error_code & pf_present) && vm.fill_tlb(fault.address))
                continue;
            if (repeats < 4 && !vm.handle_fault({fault.address, access}).is_error()) {
                vm.fill_tlb(fault.address);
                continue;
            }
            return exception(ExceptionKind::page_fault, fault.address, access, (fault.error_code & pf_present) ? 2 : 1);
        }
        case 0:
            return exception(ExceptionKind::divide_error, ctx.regs.rip);
        case 3:
            return exception(ExceptionKind::breakpoint, ctx.regs.rip);
        case 6:
            return exception(ExceptionKind::invalid_opcode, ctx.regs.rip);
        default:
            return exception(ExceptionKind::general_protection);
        }
    }
}

} // namespace asterix::frame

