// ptrace: the tracer's requests. The tracee's stops and how they are reported live in
// process/ptrace.cpp; ptrace(2) is the reference for each request's rules and errors.

#include <algorithm>
#include <array>
#include <vector>

#include "frame/bytes.h"
#include "services/abi/prctl.h"
#include "services/abi/ptrace.h"
#include "services/abi/sigcontext.h"
#include "services/abi/uio.h"
#include "services/mm/forced_write.h"
#include "services/process/process_table.h"
#include "services/process/ptrace_access.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

using frame::GeneralRegs;

/// user_regs_struct, field by field, in its order (PEEKUSER and POKEUSER index it by word).
constexpr std::array<u64 GeneralRegs::*, 27> register_fields {&GeneralRegs::r15, &GeneralRegs::r14,
    &GeneralRegs::r13, &GeneralRegs::r12, &GeneralRegs::rbp, &GeneralRegs::rbx, &GeneralRegs::r11,
    &GeneralRegs::r10, &GeneralRegs::r9, &GeneralRegs::r8, &GeneralRegs::rax, &GeneralRegs::rcx,
    &GeneralRegs::rdx, &GeneralRegs::rsi, &GeneralRegs::rdi, &GeneralRegs::orig_rax, &GeneralRegs::rip,
    &GeneralRegs::cs, &GeneralRegs::eflags, &GeneralRegs::rsp, &GeneralRegs::ss, &GeneralRegs::fs_base,
    &GeneralRegs::gs_base, &GeneralRegs::ds, &GeneralRegs::es, &GeneralRegs::fs, &GeneralRegs::gs};
static_assert(register_fields.size() * 8 == abi::user_regs_bytes);

/// TASK_SIZE_MAX: a segment base or a debug address must be a user address.
constexpr u64 task_size_max = (1ull << 47) - page_size;
constexpr usize index_of_cs = 17;
constexpr usize index_of_eflags = 18;
constexpr usize index_of_ss = 20;
constexpr usize index_of_fs_base = 21;
constexpr usize index_of_gs_base = 22;
constexpr usize index_of_ds = 23;

/// Linux's putreg: the segment selectors stay what they are (a tracer writing back what it
/// read changes nothing), the flags only in their user bits, the bases only to user addresses.
Result<void> put_register(GeneralRegs& regs, usize index, u64 value)
{
    u64& field = regs.*register_fields[index];
    if (index == index_of_cs || index == index_of_ss) {
        if (value != field)
            return Errno::eio;
        return {};
    }
    if (index >= index_of_ds)
        return {}; // ds, es, fs, gs: the selectors are the kernel's to choose here
    if (index == index_of_eflags) {
        field = (field & ~abi::eflags_user_mask) | (value & abi::eflags_user_mask);
        return {};
    }
    if ((index == index_of_fs_base || index == index_of_gs_base) && value >= task_size_max)
        return Errno::eio;
    field = value;
    return {};
}

/// The registers as the tracer sees them: a trap flag that PTRACE_SINGLESTEP set is hidden,
/// as Linux hides its TIF_FORCED_TF.
GeneralRegs visible_registers(Thread& tracee)
{
    GeneralRegs regs = tracee.context().regs;
    if (tracee.ptrace_link()->has_set_trap_flag())
        regs.eflags &= ~abi::eflags_trap;
    return regs;
}

/// Takes registers the tracer wrote: the trap flag stays the stepping's while it steps.
void store_registers(Thread& tracee, GeneralRegs regs)
{
    if (tracee.ptrace_link()->has_set_trap_flag())
        regs.eflags |= abi::eflags_trap;
    tracee.context().regs = regs;
}

/// The thread `pid` that the caller traces; unless `may_run`, it must be in a ptrace-stop
/// (ESRCH otherwise, as Linux's ptrace_check_attach).
Result<Thread*> tracee_of(Context& ctx, i32 pid, bool may_run)
{
    Thread* thread = ProcessTable::find_thread(pid);
    if (!thread)
        return Errno::esrch;
    const auto& link = thread->ptrace_link();
    if (!link || &link->tracer() != &ctx.process())
        return Errno::esrch;
    if (!may_run && !link->is_stopped())
        return Errno::esrch;
    return thread;
}

bool is_ancestor(const Process& ancestor, const Process& process)
{
    for (const Process* each = process.parent(); each; each = each->parent()) {
        if (each == &ancestor)
            return true;
    }
    return false;
}

Result<long> attach(Context& ctx, i32 pid, bool is_seize, u64 addr, u64 options)
{
    // Unknown options are EIO here, EINVAL for SETOPTIONS: Linux has kept both.
    if (is_seize && (addr || (options & ~abi::ptrace_o_mask)))
        return Errno::eio;
    Thread* thread = ProcessTable::find_thread(pid);
    if (!thread || thread->is_exiting())
        return Errno::esrch;
    Process& target = thread->process();
    if (&target == &ctx.process() || target.is_exiting() || target.is_kernel_init())
        return Errno::eperm;
    const Credentials& creds = ctx.thread().credentials();
    TRY(ptrace_may_access(creds, &ctx.process(), target, PtraceCreds::real));
    // Yama: at scope 1 only an ancestor may attach, at 2 only with CAP_SYS_PTRACE, at 3 no one.
    bool is_capable = creds.has_capability(abi::Capability::sys_ptrace);
    int scope = yama_ptrace_scope();
    if ((scope == 1 && !is_ancestor(ctx.process(), target) && !is_capable) || (scope == 2 && !is_capable) || scope >= 3)
        return Errno::eperm;
    if (thread->ptrace_link())
        return Errno::eperm;
    ptrace_link(*thread, ctx.process(), is_seize, is_seize ? options : 0);
    // The SIGSTOP comes from the kernel (Linux's SEND_SIG_PRIV): SI_KERNEL, no sender, which
    // the tracer's GETSIGINFO shows.
    if (!is_seize)
        send_signal(*thread, make_signal_info(sigstop, si_kernel));
    // A thread in a group stop reports it to its new tracer.
    if (thread->task())
        thread->task()->interrupt();
    return 0;
}

Result<long> traceme(Context& ctx)
{
    Process* parent = ctx.process().parent();
    if (ctx.thread().ptrace_link() || !parent || parent->is_kernel_init() || parent->is_exiting())
        return Errno::eperm;
    int scope = yama_ptrace_scope();
    if (scope >= 3 || (scope == 2 && !parent->credentials().has_capability(abi::Capability::sys_ptrace)))
        return Errno::eperm;
    ptrace_link(ctx.thread(), *parent, false, 0);
    return 0;
}

Result<long> resume(Context& ctx, i32 pid, PtraceResume mode, u64 sig)
{
    Thread* tracee = TRY(tracee_of(ctx, pid, false));
    if (sig > static_cast<u64>(signal_count))
        return Errno::eio;
    PtraceLink& link = *tracee->ptrace_link();
    if (mode == PtraceResume::listen && (!link.is_seized() || link.stop() != PtraceStop::group))
        return Errno::eio;
    auto& regs = tracee->context().regs;
    bool is_step = mode == PtraceResume::singlestep || mode == PtraceResume::sysemu_singlestep;
    if (is_step && !(regs.eflags & abi::eflags_trap)) {
        regs.eflags |= abi::eflags_trap;
        link.set_has_set_trap_flag(true);
    } else if (!is_step && link.has_set_trap_flag()) {
        regs.eflags &= ~abi::eflags_trap;
        link.set_has_set_trap_flag(false);
    }
    link.resume(mode, mode == PtraceResume::listen ? 0 : static_cast<int>(sig));
    return 0;
}

/// Bytes of the FPU state as the regsets show it: the XSAVE image (its FXSAVE part first) and
/// the features it holds, with XCR0 where Linux puts it in the software bytes.
struct FpImage {
    std::vector<u8> bytes;
    u64 features;
};

FpImage fp_image(Thread& tracee)
{
    auto state = tracee.context().fp_signal_state(tracee.process().vm());
    std::vector<u8> bytes = std::move(state.bytes);
    bytes.resize(std::max<usize>(bytes.size(), abi::user_fpregs_bytes));
    std::fill(bytes.begin() + abi::xstate_sw_xcr0_offset, bytes.begin() + abi::user_fpregs_bytes, u8 {0});
    for (usize i = 0; i < 8; ++i)
        bytes[abi::xstate_sw_xcr0_offset + i] = static_cast<u8>(state.features >> (8 * i));
    return {std::move(bytes), state.features};
}

/// Puts an edited image back; the MXCSR must hold only bits the CPU knows (EINVAL, as Linux).
Result<void> set_fp_image(Thread& tracee, FpImage image)
{
    constexpr usize mxcsr_offset = 24;
    u32 mxcsr = 0;
    for (usize i = 0; i < 4; ++i)
        mxcsr |= u32 {image.bytes[mxcsr_offset + i]} << (8 * i);
    if (mxcsr & ~0xffffu)
        return Errno::einval;
    std::fill(image.bytes.begin() + abi::xstate_sw_xcr0_offset, image.bytes.begin() + abi::user_fpregs_bytes, u8 {0});
    auto& vm = tracee.process().vm();
    if (image.features)
        return tracee.context().set_fp_signal_state(vm, image.bytes, image.features);
    return tracee.context().set_fp_signal_state(vm, std::span<const u8>(image.bytes).first(abi::user_fpregs_bytes), 0);
}

/// The bytes of one register set of PTRACE_GETREGSET, and how they are put back.
Result<std::vector<u8>> regset_bytes(Thread& tracee, u64 note)
{
    if (note == abi::nt_prstatus) {
        GeneralRegs regs = visible_registers(tracee);
        auto bytes = object_bytes(regs);
        return std::vector<u8>(bytes.begin(), bytes.end());
    }
    if (note == abi::nt_prfpreg) {
        auto image = fp_image(tracee);
        image.bytes.resize(abi::user_fpregs_bytes);
        std::fill(image.bytes.begin() + abi::xstate_sw_xcr0_offset, image.bytes.end(), u8 {0});
        return std::move(image.bytes);
    }
    if (note == abi::nt_x86_xstate) {
        auto image = fp_image(tracee);
        if (!image.features)
            return Errno::enodev;
        return std::move(image.bytes);
    }
    return Errno::einval;
}

Result<void> set_regset_bytes(Thread& tracee, u64 note, std::span<const u8> bytes)
{
    if (note == abi::nt_prstatus) {
        GeneralRegs regs = visible_registers(tracee);
        GeneralRegs wanted = regs;
        std::copy(bytes.begin(), bytes.end(), object_bytes(wanted).begin());
        for (usize i = 0; i < register_fields.size() && i * 8 < bytes.size(); ++i)
            TRY(put_register(regs, i, wanted.*register_fields[i]));
        store_registers(tracee, regs);
        return {};
    }
    if (note == abi::nt_prfpreg || note == abi::nt_x86_xstate) {
        auto image = fp_image(tracee);
        if (note == abi::nt_x86_xstate && !image.features)
            return Errno::enodev;
        usize limit = note == abi::nt_prfpreg ? abi::user_fpregs_bytes : image.bytes.size();
        std::copy(bytes.begin(), bytes.begin() + std::min(bytes.size(), limit), image.bytes.begin());
        return set_fp_image(tracee, std::move(image));
    }
    return Errno::einval;
}

Result<long> regset(Context& ctx, Thread& tracee, u64 note, u64 iov_addr, bool is_set)
{
    auto iov = TRY(ctx.user().read(UserPtr<abi::IoVec>(iov_addr)));
    auto bytes = TRY(regset_bytes(tracee, note));
    usize element = note == abi::nt_prfpreg ? 16 : 8;
    if (iov.len % element)
        return Errno::einval;
    usize len = std::min<u64>(iov.len, bytes.size());
    if (is_set) {
        std::vector<u8> incoming(len);
        TRY(ctx.user().read_bytes(iov.base, incoming));
        TRY(set_regset_bytes(tracee, note, incoming));
    } else {
        TRY(ctx.user().write_bytes(iov.base, std::span<const u8>(bytes).first(len)));
    }
    iov.len = len;
    TRY(ctx.user().write(UserPtr<abi::IoVec>(iov_addr), iov));
    return 0;
}

Result<long> syscall_info(Context& ctx, Thread& tracee, u64 size, u64 addr)
{
    PtraceLink& link = *tracee.ptrace_link();
    const auto& regs = tracee.context().regs;
    abi::PtraceSyscallInfo info {};
    info.arch = abi::audit_arch_x86_64;
    info.instruction_pointer = regs.rip;
    info.stack_pointer = regs.rsp;
    u64 actual = abi::ptrace_syscall_info_none_bytes;
    if (link.stop() == PtraceStop::syscall_entry) {
        info.op = abi::ptrace_syscall_info_entry;
        info.nr_or_rval = regs.orig_rax;
        auto args = tracee.context().syscall_args();
        std::copy(args.begin(), args.end(), info.args_or_is_error.begin());
        actual = abi::ptrace_syscall_info_entry_bytes;
    } else if (link.stop() == PtraceStop::syscall_exit) {
        info.op = abi::ptrace_syscall_info_exit;
        i64 value = static_cast<i64>(regs.rax);
        info.nr_or_rval = regs.rax;
        info.args_or_is_error[0] = value < 0 && value >= -4095 ? 1 : 0;
        actual = abi::ptrace_syscall_info_exit_bytes;
    }
    u64 len = std::min(size, actual);
    TRY(ctx.user().write_bytes(addr, object_bytes(info).first(len)));
    return static_cast<long>(actual);
}

Result<long> peek_user(Context& ctx, Thread& tracee, u64 offset, u64 data)
{
    if ((offset & 7) || offset >= abi::user_area_bytes)
        return Errno::eio;
    u64 value = 0;
    if (offset < abi::user_regs_bytes)
        value = visible_registers(tracee).*register_fields[offset / 8];
    else if (offset >= abi::user_debugreg_offset)
        value = tracee.context().debug.read((offset - abi::user_debugreg_offset) / 8);
    TRY(ctx.user().write(UserPtr<u64>(data), value));
    return 0;
}

Result<long> poke_user(Thread& tracee, u64 offset, u64 value)
{
    if ((offset & 7) || offset >= abi::user_area_bytes)
        return Errno::eio;
    if (offset < abi::user_regs_bytes) {
        GeneralRegs regs = visible_registers(tracee);
        TRY(put_register(regs, offset / 8, value));
        store_registers(tracee, regs);
        return 0;
    }
    if (offset < abi::user_debugreg_offset)
        return Errno::eio;
    // The frame checks the values as Linux does; the backend arms them when the thread runs.
    TRY(tracee.context().debug.write((offset - abi::user_debugreg_offset) / 8, value));
    return 0;
}

Result<long> arch_prctl(Context& ctx, Thread& tracee, u64 addr, int code)
{
    auto& regs = tracee.context().regs;
    switch (code) {
    case abi::arch_set_fs:
    case abi::arch_set_gs:
        if (addr >= task_size_max)
            return Errno::eperm;
        (code == abi::arch_set_fs ? regs.fs_base : regs.gs_base) = addr;
        return 0;
    case abi::arch_get_fs:
        TRY(ctx.user().write(UserPtr<u64>(addr), regs.fs_base));
        return 0;
    case abi::arch_get_gs:
        TRY(ctx.user().write(UserPtr<u64>(addr), regs.gs_base));
        return 0;
    default:
        return Errno::einval;
    }
}

} // namespace

Result<long> sys_ptrace(Context& ctx, long request, i32 pid, u64 addr, u64 data)
{
    switch (request) {
    case abi::ptrace_traceme:
        return traceme(ctx);
    case abi::ptrace_attach:
    case abi::ptrace_seize:
        return attach(ctx, pid, request == abi::ptrace_seize, addr, data);
    default:
        break;
    }
    // KILL and INTERRUPT reach a running tracee; the rest need it stopped.
    bool may_run = request == abi::ptrace_kill || request == abi::ptrace_interrupt;
    Thread* tracee = TRY(tracee_of(ctx, pid, may_run));
    PtraceLink& link = *tracee->ptrace_link();
    frame::VmSpace& tracee_vm = tracee->process().vm();
    switch (request) {
    case abi::ptrace_peektext:
    case abi::ptrace_peekdata: {
        auto word = tracee_vm.read(UserPtr<u64>(addr));
        if (word.is_error())
            return Errno::eio;
        TRY(ctx.user().write(UserPtr<u64>(data), word.value()));
        return 0;
    }
    case abi::ptrace_poketext:
    case abi::ptrace_pokedata: {
        std::array<u8, 8> bytes {};
        for (usize i = 0; i < bytes.size(); ++i)
            bytes[i] = static_cast<u8>(data >> (8 * i));
        if (write_forced(*tracee->process().memory(), addr, bytes).is_error())
            return Errno::eio;
        return 0;
    }
    case abi::ptrace_peekuser:
        return peek_user(ctx, *tracee, addr, data);
    case abi::ptrace_pokeuser:
        return poke_user(*tracee, addr, data);
    case abi::ptrace_cont:
        return resume(ctx, pid, PtraceResume::cont, data);
    case abi::ptrace_syscall:
        return resume(ctx, pid, PtraceResume::syscall, data);
    case abi::ptrace_singlestep:
        return resume(ctx, pid, PtraceResume::singlestep, data);
    case abi::ptrace_sysemu:
        return resume(ctx, pid, PtraceResume::sysemu, data);
    case abi::ptrace_sysemu_singlestep:
        return resume(ctx, pid, PtraceResume::sysemu_singlestep, data);
    case abi::ptrace_listen:
        return resume(ctx, pid, PtraceResume::listen, 0);
    case abi::ptrace_kill:
        send_signal(tracee->process(), make_signal_info(sigkill, si_user, ctx.process().pid()));
        return 0;
    case abi::ptrace_interrupt:
        if (!link.is_seized())
            return Errno::eio;
        if (!link.is_stopped()) {
            link.set_interrupt_pending(true);
            if (tracee->task())
                tracee->task()->interrupt();
        }
        return 0;
    case abi::ptrace_detach:
        if (data > static_cast<u64>(signal_count))
            return Errno::eio;
        ptrace_unlink(*tracee, static_cast<int>(data));
        return 0;
    case abi::ptrace_getregs:
        TRY(ctx.user().write(UserPtr<GeneralRegs>(data), visible_registers(*tracee)));
        return 0;
    case abi::ptrace_setregs: {
        auto wanted = TRY(ctx.user().read(UserPtr<GeneralRegs>(data)));
        GeneralRegs regs = visible_registers(*tracee);
        for (usize i = 0; i < register_fields.size(); ++i)
            TRY(put_register(regs, i, wanted.*register_fields[i]));
        store_registers(*tracee, regs);
        return 0;
    }
    case abi::ptrace_getfpregs: {
        auto bytes = TRY(regset_bytes(*tracee, abi::nt_prfpreg));
        TRY(ctx.user().write_bytes(data, bytes));
        return 0;
    }
    case abi::ptrace_setfpregs: {
        std::vector<u8> bytes(abi::user_fpregs_bytes);
        TRY(ctx.user().read_bytes(data, bytes));
        TRY(set_regset_bytes(*tracee, abi::nt_prfpreg, bytes));
        return 0;
    }
    case abi::ptrace_getregset:
    case abi::ptrace_setregset:
        return regset(ctx, *tracee, addr, data, request == abi::ptrace_setregset);
    case abi::ptrace_setoptions:
        if (data & ~abi::ptrace_o_mask)
            return Errno::einval;
        link.set_options(data);
        return 0;
    case abi::ptrace_geteventmsg:
        TRY(ctx.user().write(UserPtr<u64>(data), link.event_message()));
        return 0;
    case abi::ptrace_getsiginfo:
        // A classic tracee's group stop has no siginfo (Linux's last_siginfo is NULL there).
        if (link.stop() == PtraceStop::group && !link.is_seized())
            return Errno::einval;
        TRY(ctx.user().write(UserPtr<abi::SigInfo>(data), link.siginfo()));
        return 0;
    case abi::ptrace_setsiginfo:
        if (link.stop() == PtraceStop::group && !link.is_seized())
            return Errno::einval;
        link.siginfo() = TRY(ctx.user().read(UserPtr<abi::SigInfo>(data)));
        return 0;
    case abi::ptrace_get_syscall_info:
        return syscall_info(ctx, *tracee, addr, data);
    case abi::ptrace_arch_prctl:
        return arch_prctl(ctx, *tracee, addr, static_cast<int>(data));
    default:
        return Errno::eio;
    }
}

} // namespace asterix::services
