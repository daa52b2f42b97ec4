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
    // With the trap flag set the single-step trap must come after the user's instruction, so
    // the return goes through iretq (as Linux's opportunistic sysret also refuses TF).
    return regs.rcx == regs.rip && regs.r11 == regs.eflags && regs.rip < user_address_end && !(regs.eflags & 0x100);
}

ReturnReason exception(ExceptionKind kind, u64 addr = 0, Access access = Access::read, int code = 0)
{
    return {ReturnReason::Kind::exception, {kind, addr, access, code}};
}

ReturnReason page_fault(u64 addr, Access access, FaultOutcome outcome)
{
    return {ReturnReason::Kind::exception, {ExceptionKind::page_fault, addr, access, 0, outcome}};
}
} // namespace

// The FPU/SIMD state stays in the CPU while the kernel runs (it is built with
// -mgeneral-regs-only), so it is switched only when another guest thread runs: the CPU holds
// the state of g_fpu_owner, and fp_state (the XSAVE standard-format image of xsave_features(),
// or the FXSAVE image without XSAVE) is valid while `is_fp_saved`.
// One exception: a kernel task switch (Boost.Context's jump_fcontext) saves and reloads MXCSR
// and the x87 control word, so the CPU may hold another task's; the owner's are kept in its
// context when it leaves ring 3 and put into the image when it is saved.
namespace {
UserContext* g_fpu_owner = nullptr;
u64 g_loaded_fs_base = 0; // FS_BASE is 0 at power-on

// Debug registers (DR0-DR3, DR7): armed only while a guest thread with armed slots runs in
// ring 3, so the kernel's own accesses to a watched user address never trap in ring 0.
constexpr u64 dr6_clear = 0xffff0ff0;
constexpr u64 dr6_step = 1ull << 14;
constexpr u64 eflags_rf = 1ull << 16;
constexpr int trap_trace = 2;  // Linux's si_code for a single step
constexpr int trap_hwbkpt = 4; // and for a debug register hit

void write_debug_address(usize index, u64 value)
{
    switch (index) {
    case 0: asm volatile("mov %0, %%dr0" ::"r"(value)); break;
    case 1: asm volatile("mov %0, %%dr1" ::"r"(value)); break;
    case 2: asm volatile("mov %0, %%dr2" ::"r"(value)); break;
    default: asm volatile("mov %0, %%dr3" ::"r"(value)); break;
    }
}
void write_dr7(u64 value) { asm volatile("mov %0, %%dr7" ::"r"(value)); }
u64 read_dr6()
{
    u64 value;
    asm volatile("mov %%dr6, %0" : "=r"(value));
    asm volatile("mov %0, %%dr6" ::"r"(dr6_clear));
    return value;
}

/// Arms `wanted` for the coming return to ring 3 (DR7 last); returns whether anything is armed.
bool arm_debug_registers(const DebugRegisters::Hardware& wanted)
{
    if (!wanted.dr7)
        return false;
    for (usize i = 0; i < DebugRegisters::slots; ++i)
        write_debug_address(i, wanted.addresses[i]);
    write_dr7(wanted.dr7);
    return true;
}
constexpr u32 initial_mxcsr = 0x1f80;
constexpr u16 initial_control_word = 0x37f;
constexpr usize fxsave_size = 512;
constexpr usize xsave_header_end = 576;
constexpr usize xstate_bv_offset = 512;
constexpr usize max_image_bytes = 4096; // x87 to AVX-512: 2696
constexpr u64 xfeature_x87_sse = 0x3;

constexpr usize fcw_offset = 0;
constexpr usize mxcsr_offset = 24;

/// An image buffer as XSAVE/XRSTOR want it (64-byte aligned), on the kernel stack.
struct alignas(64) FpImage {
    u8 bytes[max_image_bytes];
};

u64 load_u64(const u8* bytes)
{
    u64 value = 0;
    for (usize i = 0; i < 8; ++i)
        value |= u64 {bytes[i]} << (8 * i);
    return value;
}

void store_u64(u8* bytes, u64 value)
{
    for (usize i = 0; i < 8; ++i)
        bytes[i] = static_cast<u8>(value >> (8 * i));
}

void store_control(u8* image, u16 control_word, u32 mxcsr)
{
    for (usize i = 0; i < 2; ++i)
        image[fcw_offset + i] = static_cast<u8>(control_word >> (8 * i));
    for (usize i = 0; i < 4; ++i)
        image[mxcsr_offset + i] = static_cast<u8>(mxcsr >> (8 * i));
}

/// Saves the CPU's state into `image` (fp_image_bytes() of it).
void save_image(FpImage& image)
{
    u64 features = arch_x86_64::xsave_features();
    if (!features) {
        asm volatile("fxsave64 %0" : "=m"(image.bytes));
        return;
    }
    // XSAVE writes XSTATE_BV but not the rest of the header, which XRSTOR wants zero.
    std::fill(image.bytes + xstate_bv_offset, image.bytes + xsave_header_end, u8 {0});
    asm volatile("xsave64 %0" : "+m"(image.bytes) : "a"(static_cast<u32>(features)), "d"(static_cast<u32>(features >> 32)));
}

void restore_image(const FpImage& image)
{
    u64 features = arch_x86_64::xsave_features();
    if (!features)
        asm volatile("fxrstor64 %0" ::"m"(image.bytes));
    else
        asm volatile("xrstor64 %0" ::"m"(image.bytes), "a"(static_cast<u32>(features)), "d"(static_cast<u32>(features >> 32)));
}

/// The power-on state: x87 and SSE (and AVX) registers zero, the default control words.
void fill_initial_image(u8* image, usize bytes)
{
    std::fill(image, image + bytes, u8 {0});
    store_control(image, initial_control_word, initial_mxcsr);
    if (arch_x86_64::xsave_features())
        store_u64(image + xstate_bv_offset, xfeature_x87_sse);
}

void save_fpu(UserContext& ctx)
{
    FpImage image;
    save_image(image);
    store_control(image.bytes, ctx.fp_control_word, ctx.fp_mxcsr);
    if (arch_x86_64::xsave_features()) // the legacy area holds the control words put in above
        store_u64(image.bytes + xstate_bv_offset, load_u64(image.bytes + xstate_bv_offset) | xfeature_x87_sse);
    ctx.fp_state.assign(image.bytes, image.bytes + arch_x86_64::fp_image_bytes());
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
    FpImage image;
    if (ctx.is_fp_initial || !ctx.is_fp_saved) {
        fill_initial_image(image.bytes, arch_x86_64::fp_image_bytes());
        ctx.is_fp_initial = false;
    } else {
        std::copy(ctx.fp_state.begin(), ctx.fp_state.end(), image.bytes);
    }
    restore_image(image);
    ctx.fp_control_word = static_cast<u16>(image.bytes[fcw_offset] | image.bytes[fcw_offset + 1] << 8);
    ctx.fp_mxcsr = static_cast<u32>(image.bytes[mxcsr_offset] | image.bytes[mxcsr_offset + 1] << 8
        | image.bytes[mxcsr_offset + 2] << 16 | static_cast<u32>(image.bytes[mxcsr_offset + 3]) << 24);
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
    debug = {};
}

UserContext::FpSignalImage UserContext::fp_signal_state(VmSpace&)
{
    release_fpu(*this);
    std::vector<u8> image(arch_x86_64::fp_image_bytes());
    if (is_fp_saved)
        std::copy(fp_state.begin(), fp_state.end(), image.begin());
    else // never ran
        fill_initial_image(image.data(), image.size());
    return {std::move(image), arch_x86_64::xsave_features()};
}

Result<void> UserContext::set_fp_signal_state(VmSpace&, std::span<const u8> image, u64 features)
{
    usize bytes = arch_x86_64::fp_image_bytes();
    features &= arch_x86_64::xsave_features();
    if (image.size() < fxsave_size || (features && (image.size() < xsave_header_end || image.size() > bytes)))
        return Errno::einval;
    release_fpu(*this);
    std::vector<u8> state(image.begin(), image.begin() + fxsave_size);
    state.resize(std::max(bytes, fxsave_size));
    // Software-reserved bytes are not state; MXCSR's reserved upper half would make the restore
    // fault (#GP in the kernel): clear both, as Linux masks a signal frame's MXCSR.
    std::fill(state.begin() + 464, state.begin() + fxsave_size, u8 {0});
    state[mxcsr_offset + 2] = 0;
    state[mxcsr_offset + 3] = 0;
    if (arch_x86_64::xsave_features()) {
        // The header: which components hold data (the others load as initial), no compaction.
        u64 present = xfeature_x87_sse;
        if (features) {
            std::copy(image.begin() + xsave_header_end, image.end(), state.begin() + xsave_header_end);
            present = load_u64(image.data() + xstate_bv_offset) & features;
        }
        store_u64(state.data() + xstate_bv_offset, present);
    }
    fp_state = std::move(state);
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
    auto image = parent.fp_signal_state(vm);
    MUST(set_fp_signal_state(vm, image.bytes, image.features));
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
        // The user-settable flags as Linux's FLAG_MASK has them (the trap flag included: a
        // debugger's single step, a guest's popf), and IF on.
        // RF too: set after an execute breakpoint, so that resuming runs the instruction.
        ctx.regs.eflags = (ctx.regs.eflags & (0xdd5 | eflags_rf)) | 0x202;
        load_fpu(ctx);
        DebugRegisters::Hardware debug = ctx.debug.hardware();
        bool is_debug_armed = arm_debug_registers(debug);
        u64 reason = ax_enter_user(&ctx.regs, can_sysret(ctx.regs) && !(ctx.regs.eflags & eflags_rf));
        if (is_debug_armed)
            write_dr7(0);
        asm volatile("sti"); // the syscall entry and the vectors come back with interrupts off
        note_fp_control(ctx);
        if (reason == reason_syscall)
            return {ReturnReason::Kind::syscall, {}};
        if (reason != reason_exception)
            return {ReturnReason::Kind::interrupted, {}};
        const auto& fault = arch_x86_64::g_user_exception;
        switch (fault.vector) {
        case 14: {
            vm.count_fault();
            Access access = (fault.error_code & pf_fetch) ? Access::exec : (fault.error_code & pf_write) ? Access::write : Access::read;
            repeats = fault.address == last_fault ? repeats + 1 : 0;
            last_fault = fault.address;
            // A missing page the page table has, or the first write to a page kept
            // write-protected to track its soft-dirty bit: the frame fills it.
            if (vm.fill_tlb(fault.address))
                continue;
            // A fault the handler keeps calling handled yet that comes back is one the page
            // table cannot give: the mapping forbids the access.
            FaultOutcome outcome = repeats < 4 ? vm.handle_fault({fault.address, access}) : FaultOutcome::access_denied;
            if (outcome == FaultOutcome::handled) {
                vm.fill_tlb(fault.address);
                continue;
            }
            return page_fault(fault.address, access, outcome);
        }
        case 0:
            return exception(ExceptionKind::divide_error, ctx.regs.rip);
        case 1: { // a single step (the guest set EFLAGS.TF; syscall entry masks it) or a hit
            u64 status = read_dr6();
            u64 armed = 0;
            for (usize i = 0; i < DebugRegisters::slots; ++i)
                armed |= ((debug.dr7 >> (2 * i)) & 3) ? 1ull << i : 0;
            if (status & armed & DebugRegisters::status_hits) {
                ctx.debug.record_exception(status & armed & DebugRegisters::status_hits);
                // An execute breakpoint is a fault at the instruction: resume past it once.
                ctx.regs.eflags |= eflags_rf;
                return exception(ExceptionKind::debug, ctx.regs.rip, Access::exec, trap_hwbkpt);
            }
            if (status & dr6_step) {
                ctx.debug.record_exception(DebugRegisters::status_step);
                return exception(ExceptionKind::breakpoint, ctx.regs.rip, Access::exec, trap_trace);
            }
            return exception(ExceptionKind::breakpoint, ctx.regs.rip);
        }
        case 3:
            return exception(ExceptionKind::breakpoint, ctx.regs.rip);
        case 6:
            return exception(ExceptionKind::invalid_opcode, ctx.regs.rip);
        default:
            // Among them int $0x80: vector 0x80 has no gate, so it raises #GP at the
            // instruction, as on Linux without IA32 emulation (and as the hosted backend answers).
            return exception(ExceptionKind::general_protection);
        }
    }
}

} // namespace asterix::frame

