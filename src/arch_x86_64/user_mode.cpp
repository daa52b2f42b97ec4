// UserMode on bare metal: a guest thread runs in ring 3 on its address space's page tables and
// comes back on a syscall, an exception or an interrupt (user_entry.S, interrupts.cpp).

#include "arch_x86_64/address_space.h"
#include "arch_x86_64/cpu.h"
#include "arch_x86_64/user_mode.h"
#include "frame/user_mode.h"

extern "C" asterix::u64 ax_enter_user(asterix::frame::GeneralRegs* regs);

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

ReturnReason exception(ExceptionKind kind, u64 addr = 0, Access access = Access::read, int code = 0)
{
    return {ReturnReason::Kind::exception, {kind, addr, access, code}};
}
} // namespace

// FIXME: the FPU/SSE state is not switched on bare metal yet (the kernel and the self-test
// use general registers only); the legacy image is kept but not loaded into the CPU.
UserContext::UserContext() = default;
UserContext::~UserContext() = default;

void UserContext::reset_for_exec(u64 ip, u64 sp)
{
    regs = {};
    regs.rip = ip;
    regs.rsp = sp;
    regs.eflags = 0x202;
    regs.cs = user_cs;
    regs.ss = user_ss;
    is_fp_initial = true;
    is_fp_saved = false;
    fp_state.clear();
}

std::array<u8, 512> UserContext::fp_legacy_state(VmSpace&)
{
    std::array<u8, 512> image {};
    if (fp_state.size() >= 512)
        std::copy(fp_state.begin(), fp_state.begin() + 512, image.begin());
    return image;
}

void UserContext::set_fp_legacy_state(VmSpace&, const std::array<u8, 512>& image) { fp_state.assign(image.begin(), image.end()); }
void UserContext::reset_fp_state() { fp_state.clear(); }

void UserContext::copy_from(VmSpace&, UserContext& parent)
{
    regs = parent.regs;
    fp_state = parent.fp_state;
}

ReturnReason execute_user(VmSpace& vm, UserContext& ctx)
{
    u64 last_fault = ~0ull;
    int repeats = 0;
    for (;;) {
        // Loading CR3 makes the page-table edits since the last run visible (a full flush).
        asm volatile("mov %0, %%cr3" ::"r"(vm.arch().root_physical()) : "memory");
        arch_x86_64::write_msr(msr_fs_base, ctx.regs.fs_base);
        ctx.regs.cs = user_cs;
        ctx.regs.ss = user_ss;
        ctx.regs.eflags = (ctx.regs.eflags & 0xcd5) | 0x202; // user-settable flags, IF on
        u64 reason = ax_enter_user(&ctx.regs);
        asm volatile("sti"); // the syscall entry and the vectors come back with interrupts off
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
