// UserMode on the host: a guest thread runs in its address-space process, stopped by
// PTRACE_SYSEMU at every syscall (ptrace platform) or trapping into the stub (systrap.cpp).

#include <elf.h>
#include <linux/audit.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>

#include "frame/log.h"
#include "frame/task.h"
#include "frame/user_mode.h"
#include "host_arch/address_space.h"
#include "host_arch/host.h"
#include "host_arch/syscall_patch.h"
#include "host_arch/systrap.h"

namespace asterix::frame {

static_assert(sizeof(GeneralRegs) == sizeof(user_regs_struct));

UserContext::UserContext() = default;

UserContext::~UserContext()
{
    if (loaded_in)
        loaded_in->arch().loaded_context = nullptr;
}

namespace {

/// Brings the context's FPU state from the backend into `fp_state` (so that it can be read or
/// changed) and detaches it from the backend, which reloads it before the thread runs again.
void pull_fp_state(VmSpace& vm, UserContext& ctx)
{
    auto& space = vm.arch();
    if (ctx.is_fp_saved)
        return;
    ctx.fp_state.assign(arch::xstate_bytes(space.pid()), 0);
    if (ctx.is_fp_initial || space.loaded_context != &ctx) {
        // The power-on state: FCW 0x37f, MXCSR 0x1f80, x87 and SSE marked present.
        ctx.fp_state[0] = 0x7f;
        ctx.fp_state[1] = 0x03;
        ctx.fp_state[24] = 0x80;
        ctx.fp_state[25] = 0x1f;
        if (ctx.fp_state.size() > 512)
            ctx.fp_state[512] = 0x3; // XSTATE_BV: x87 | SSE
        ctx.is_fp_initial = false;
    } else if (space.systrap()) {
        arch::systrap_read_fp(space, ctx.fp_state);
    } else {
        iovec iov {ctx.fp_state.data(), ctx.fp_state.size()};
        ptrace(PTRACE_GETREGSET, space.pid(), NT_X86_XSTATE, &iov);
    }
    ctx.is_fp_saved = true;
    if (space.loaded_context == &ctx)
        space.loaded_context = nullptr;
    ctx.loaded_in = nullptr;
}

} // namespace

namespace {
constexpr usize fxsave_bytes = 512;
constexpr usize xsave_header_end = 576; // the legacy area, then the 64-byte XSAVE header
constexpr usize xstate_bv_offset = 512;
constexpr u64 xfeature_x87_sse = 0x3;
constexpr u64 xfeature_tile_data = 1ull << 18; // AMX: a guest never gets permission for it

/// What a signal frame carries: the enabled user features but AMX tile data, and the size of
/// their XSAVE standard-format image (CPUID leaf 0xd gives each component's offset and size).
struct SignalLayout {
    u64 features;
    usize bytes;
};

SignalLayout signal_layout(usize state_bytes)
{
    static SignalLayout layout = [state_bytes] {
        if (state_bytes < xsave_header_end)
            return SignalLayout {0, fxsave_bytes}; // the host has no XSAVE
        u32 low, high;
        // SAFETY: xgetbv reads XCR0; the host uses XSAVE (NT_X86_XSTATE answered), so OSXSAVE is on.
        asm volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
        u64 features = ((u64 {high} << 32) | low) & ~xfeature_tile_data;
        usize bytes = xsave_header_end;
        for (u32 feature = 2; feature < 64; ++feature) {
            if (!(features & (1ull << feature)))
                continue;
            u32 size, offset, ecx, edx;
            // SAFETY: cpuid has no side effects.
            asm volatile("cpuid" : "=a"(size), "=b"(offset), "=c"(ecx), "=d"(edx) : "a"(0xd), "c"(feature));
            bytes = std::max<usize>(bytes, usize {offset} + size);
        }
        return SignalLayout {features, std::min(bytes, state_bytes)};
    }();
    return layout;
}

u64 load_u64(const u8* bytes)
{
    u64 value;
    std::memcpy(&value, bytes, sizeof value);
    return value;
}

void store_u64(u8* bytes, u64 value) { std::memcpy(bytes, &value, sizeof value); }
} // namespace

UserContext::FpSignalImage UserContext::fp_signal_state(VmSpace& vm)
{
    pull_fp_state(vm, *this);
    auto layout = signal_layout(fp_state.size());
    if (!layout.features)
        return {{fp_state.begin(), fp_state.begin() + fxsave_bytes}, 0};
    FpSignalImage image {{fp_state.begin(), fp_state.begin() + static_cast<isize>(layout.bytes)}, layout.features};
    // x87 and SSE are always marked present, as Linux does, so that a handler's edits of the
    // legacy area take effect even if the registers were in their initial state.
    u8* header = image.bytes.data() + xstate_bv_offset;
    store_u64(header, (load_u64(header) & layout.features) | xfeature_x87_sse);
    return image;
}

Result<void> UserContext::set_fp_signal_state(VmSpace& vm, std::span<const u8> image, u64 features)
{
    pull_fp_state(vm, *this);
    auto layout = signal_layout(fp_state.size());
    features &= layout.features;
    if (image.size() < fxsave_bytes || (features && (image.size() < xsave_header_end || image.size() > layout.bytes)))
        return Errno::einval;
    std::copy_n(image.begin(), fxsave_bytes, fp_state.begin());
    // Bytes 464..511 are software-reserved; MXCSR's upper half is reserved (the host refuses
    // the state otherwise), as Linux masks a signal frame's MXCSR.
    std::fill(fp_state.begin() + 464, fp_state.begin() + fxsave_bytes, u8 {0});
    fp_state[26] = fp_state[27] = 0;
    if (fp_state.size() < xsave_header_end)
        return {};
    u64 present = xfeature_x87_sse;
    if (features) {
        std::copy(image.begin() + xsave_header_end, image.end(), fp_state.begin() + xsave_header_end);
        present = load_u64(image.data() + xstate_bv_offset) & features;
    }
    // The header: which components hold data (the others load as initial), and no compaction.
    std::fill(fp_state.begin() + xstate_bv_offset, fp_state.begin() + xsave_header_end, u8 {0});
    store_u64(fp_state.data() + xstate_bv_offset, present);
    return {};
}

void UserContext::reset_fp_state()
{
    if (loaded_in && loaded_in->arch().loaded_context == this)
        loaded_in->arch().loaded_context = nullptr;
    loaded_in = nullptr;
    is_fp_saved = false;
    is_fp_initial = true;
    fp_state.clear();
}

void UserContext::copy_from(VmSpace& vm, UserContext& parent)
{
    regs = parent.regs;
    pull_fp_state(vm, parent);
    fp_state = parent.fp_state;
    is_fp_saved = true;
    is_fp_initial = false;
}

void UserContext::reset_for_exec(u64 ip, u64 sp)
{
    u64 cs = regs.cs, ss = regs.ss, ds = regs.ds, es = regs.es;
    regs = {};
    regs.rip = ip;
    regs.rsp = sp;
    regs.eflags = 0x202;
    // Segment selectors are the host's user ones; keep what the backend put there, or the
    // standard Linux x86-64 user selectors for a context that never ran.
    regs.cs = cs ? cs : 0x33;
    regs.ss = ss ? ss : 0x2b;
    regs.ds = ds;
    regs.es = es;
    is_fp_initial = true;
    is_fp_saved = false;
    fp_state.clear();
    debug = {};
}

namespace {

constexpr int max_repeated_faults = 4;

/// Saves the FPU state of the context the process holds, and loads `ctx`'s, when they differ.
void switch_fp_state(arch::AddressSpace& space, VmSpace& vm, UserContext& ctx)
{
    if (space.loaded_context == &ctx && !ctx.is_fp_initial)
        return;
    pid_t pid = space.pid();
    if (space.loaded_context && space.loaded_context != &ctx) {
        UserContext& old = *space.loaded_context;
        if (space.systrap()) {
            arch::systrap_read_fp(space, old.fp_state);
            old.is_fp_saved = true;
        } else {
            old.fp_state.assign(arch::xstate_bytes(pid), 0);
            iovec iov {old.fp_state.data(), old.fp_state.size()};
            if (ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov) == 0)
                old.is_fp_saved = true;
        }
        old.loaded_in = nullptr;
    }
    if (ctx.loaded_in && ctx.loaded_in != &vm)
        ctx.loaded_in->arch().loaded_context = nullptr;
    if (space.systrap()) {
        // The state lives in the parked guest thread's signal frame; rt_sigreturn loads it.
        if (ctx.is_fp_initial)
            arch::systrap_write_fp(space, {});
        else if (ctx.is_fp_saved)
            arch::systrap_write_fp(space, ctx.fp_state);
        ctx.is_fp_initial = false;
    } else if (ctx.is_fp_initial) {
        user_fpregs_struct fp {};
        fp.cwd = 0x37f;
        fp.mxcsr = 0x1f80;
        ptrace(PTRACE_SETFPREGS, pid, 0, &fp);
        ctx.is_fp_initial = false;
    } else if (ctx.is_fp_saved) {
        iovec iov {ctx.fp_state.data(), ctx.fp_state.size()};
        ptrace(PTRACE_SETREGSET, pid, NT_X86_XSTATE, &iov);
    }
    ctx.is_fp_saved = false;
    ctx.loaded_in = &vm;
    space.loaded_context = &ctx;
}

/// The offset of debug register `index` in the host's struct user, for PEEKUSER/POKEUSER.
u64 debugreg_offset(usize index) { return offsetof(struct user, u_debugreg) + index * sizeof(u64); }

constexpr usize dr6 = 6;
constexpr usize dr7 = 7;

/// Loads `ctx`'s debug registers into the address-space process when it holds others (its
/// guest threads share it, each with its own). DR7 goes to 0 first: that disables every slot
/// and makes the host see each as a one-byte breakpoint, so no address written next fails
/// the host's alignment check for an old length; then the addresses, then the new DR7. The
/// frame's Hardware view holds only ranges in guest user space, never the stub's pages. On
/// systrap the guest thread runs free of ptrace, so it is stopped for this.
void switch_debug_registers(arch::AddressSpace& space, UserContext& ctx)
{
    DebugRegisters::Hardware wanted = ctx.debug.hardware();
    const DebugRegisters::Hardware& loaded = space.loaded_debug;
    if (loaded == wanted)
        return;
    auto load = [&](pid_t target) {
        auto poke = [target](usize index, u64 value) {
            if (ptrace(PTRACE_POKEUSER, target, debugreg_offset(index), value) != 0)
                klog(Subsystem::vm, LogLevel::warn, "host thread %d refused debug register %zu = %#llx (errno %d)", target,
                    index, static_cast<unsigned long long>(value), errno);
        };
        if (loaded.dr7)
            poke(dr7, 0);
        for (usize i = 0; i < DebugRegisters::slots; ++i) {
            if (loaded.addresses[i] != wanted.addresses[i])
                poke(i, wanted.addresses[i]);
        }
        if (wanted.dr7)
            poke(dr7, wanted.dr7);
    };
    if (space.systrap()) {
        if (!arch::systrap_with_guest_stopped(space, load))
            return;
    } else {
        load(space.pid());
    }
    space.loaded_debug = wanted;
}

/// The debug-register hits of the host debug exception just taken (DR6's B0-B3, as the host
/// reports them to its tracer: it resets them at every debug exception), limited to the
/// slots `ctx` has armed, or 0.
u64 debug_register_hits(arch::AddressSpace& space, const UserContext& ctx)
{
    long status = 0;
    auto peek = [&status](pid_t target) {
        errno = 0;
        status = ptrace(PTRACE_PEEKUSER, target, debugreg_offset(dr6), 0);
        if (errno)
            status = 0;
    };
    if (space.systrap()) {
        if (!arch::systrap_with_guest_stopped(space, peek))
            return 0;
    } else {
        peek(space.pid());
    }
    u64 armed = 0;
    u64 dr7_bits = ctx.debug.hardware().dr7;
    for (usize i = 0; i < DebugRegisters::slots; ++i) {
        if ((dr7_bits >> (2 * i)) & 3)
            armed |= 1ull << i;
    }
    return static_cast<u64>(status) & armed;
}

/// A host SIGTRAP that is a hit of a debug register the guest armed (only its ranges are):
/// the debug exception to report, at the instruction pointer as Linux reports it (after a
/// watched access; at an execute breakpoint, with RF set so that resuming runs it).
std::optional<ReturnReason> debug_register_trap(arch::AddressSpace& space, UserContext& ctx, int code)
{
    if (code == TRAP_TRACE) {
        // A single step: DR6 shows BS alone, as Linux's virtual DR6 after one (a debugger
        // that reads it must not take an earlier watchpoint hit for this stop's cause).
        ctx.debug.record_exception(DebugRegisters::status_step);
        return {};
    }
    if (code != TRAP_HWBKPT)
        return {};
    u64 hits = debug_register_hits(space, ctx);
    if (!hits)
        return {};
    ctx.debug.record_exception(hits);
    return ReturnReason {ReturnReason::Kind::exception, {ExceptionKind::debug, ctx.regs.rip, Access::exec, code}};
}

ReturnReason exception(ExceptionKind kind, u64 addr = 0, Access access = Access::read, int code = 0)
{
    return {ReturnReason::Kind::exception, {kind, addr, access, code}};
}

ReturnReason page_fault(u64 addr, Access access, FaultOutcome outcome)
{
    return {ReturnReason::Kind::exception, {ExceptionKind::page_fault, addr, access, 0, outcome}};
}

/// The access that faulted. The host does not tell a tracer (the error code is only in the
/// signal frame), so infer it: a page the backend has not mapped yet was mapped with the page
/// table's permissions and retried; a fault on a page that is mapped must break them.
Access infer_access(VmSpace& vm, u64 addr, u64 rip)
{
    if (page_round_down(addr) == page_round_down(rip))
        return Access::exec;
    auto mapping = vm.query(addr);
    if (mapping && (mapping->perms & perm_read) && !(mapping->perms & perm_write))
        return Access::write;
    if (mapping && (mapping->perms & perm_read))
        return Access::exec;
    return Access::read;
}

constexpr u64 user_cs_64 = 0x33;
constexpr u64 vsyscall_page = 0xffffffffff600000ull;
constexpr int sys_seccomp_code = 1; // SIGSYS's si_code for a seccomp trap

/// The head of the host's struct ptrace_syscall_info: all that is needed here is the ABI.
struct SyscallInfoHead {
    u8 op;
    u8 reserved[3];
    u32 arch;
};

/// Whether a syscall stop came from a 32-bit entry (int $0x80, sysenter, or syscall in
/// compatibility mode), which Linux serves from the i386 table. The syscall instruction in
/// 64-bit code leaves the return address in rcx and the flags in r11, so a stop where either
/// differs, or whose code segment is not the 64-bit one, came another way; only those stops
/// pay for asking the host which (a guest that forges rcx and r11 before an int $0x80 gets a
/// 64-bit call, which it could have made itself).
bool is_compat_syscall(pid_t pid, const GeneralRegs& regs)
{
    if (regs.cs == user_cs_64 && regs.rcx == regs.rip && regs.r11 == regs.eflags)
        return false;
    SyscallInfoHead info {};
    if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info) > 0)
        return info.arch != AUDIT_ARCH_X86_64;
    return true;
}

bool is_in_vsyscall_page(u64 addr) { return page_round_down(addr) == vsyscall_page; }

/// The page-fault error code's bits (the host gives the real one in the signal frame).
constexpr u64 pf_write = 1u << 1;
constexpr u64 pf_instruction = 1u << 4;

constexpr i64 enosys = 38;

/// Whether the two bytes before `ip` are a syscall instruction (0f 05).
bool follows_syscall_instruction(VmSpace& vm, u64 ip)
{
    u8 bytes[2] = {};
    return ip >= 2 && !vm.read_bytes(ip - 2, bytes).is_error() && bytes[0] == 0x0f && bytes[1] == 0x05;
}

/// execute_user on the systrap platform: the guest thread is parked in the stub's signal
/// handler whenever the kernel runs; systrap_run lets it go until its next trap.
ReturnReason execute_user_systrap(VmSpace& vm, UserContext& ctx)
{
    auto& space = vm.arch();
    if (Task* task = current_task_or_null())
        task->user_context = &ctx;
    u64 last_fault_addr = ~0ull;
    int repeated_faults = 0;
    for (;;) {
        space.flush();
        if (!space.is_alive())
            return exception(ExceptionKind::address_space_lost);
        switch_fp_state(space, vm, ctx);
        switch_debug_registers(space, ctx);
        auto trap = arch::systrap_run(space, ctx);
        if (!trap) {
            space.mark_dead();
            return exception(ExceptionKind::address_space_lost);
        }
        klog(Subsystem::vm, LogLevel::trace, "guest trap: signal %d code %d addr %#llx ip %#llx", trap->signo, trap->code,
            static_cast<unsigned long long>(trap->addr), static_cast<unsigned long long>(ctx.regs.rip));
        switch (trap->signo) {
        case SIGSYS: {
            if (trap->code != sys_seccomp_code)
                continue;
            if (is_in_vsyscall_page(trap->addr)) {
                // A call into the legacy vsyscall page, which the host emulates as a syscall
                // that the filter trapped; Asterix answers as Linux with vsyscall=none. Some
                // hosts have emulated the call's return already: undo it.
                if (ctx.regs.rip != trap->addr) {
                    ctx.regs.rip = trap->addr;
                    ctx.regs.rsp -= 8;
                }
                return page_fault(trap->addr, Access::exec, FaultOutcome::no_mapping);
            }
            if (trap->arch != AUDIT_ARCH_X86_64) {
                // A 32-bit entry: a general protection fault at the two-byte instruction, as
                // on Linux without IA32 emulation (see is_compat_syscall).
                ctx.regs.rip -= 2;
                ctx.regs.rax = static_cast<u64>(static_cast<i64>(trap->syscall));
                return exception(ExceptionKind::general_protection);
            }
            // The host rolled rax back to the number (seccomp's SECCOMP_RET_TRAP).
            if (!trap->is_fast)
                arch::patch_syscall_site(vm, ctx.regs);
            ctx.regs.orig_rax = ctx.regs.rax;
            return {ReturnReason::Kind::syscall, {}};
        }
        case SIGSEGV: {
            if (trap->code == SI_KERNEL && is_in_vsyscall_page(ctx.regs.rip))
                return page_fault(ctx.regs.rip, Access::exec, FaultOutcome::no_mapping);
            if (trap->code == SI_KERNEL)
                return exception(ExceptionKind::general_protection, 0, Access::read, trap->code);
            u64 addr = trap->addr;
            vm.count_fault();
            if (vm.fill_tlb(addr))
                continue;
            repeated_faults = (addr == last_fault_addr) ? repeated_faults + 1 : 0;
            last_fault_addr = addr;
            Access access = (trap->error & pf_instruction) ? Access::exec : (trap->error & pf_write) ? Access::write : Access::read;
            FaultOutcome outcome = repeated_faults < max_repeated_faults ? vm.handle_fault({addr, access}) : FaultOutcome::access_denied;
            if (outcome == FaultOutcome::handled) {
                vm.fill_tlb(addr);
                continue;
            }
            return page_fault(addr, access, outcome);
        }
        case SIGBUS:
            return exception(ExceptionKind::bus_error, trap->addr, Access::read, trap->code);
        case SIGILL: {
            // A thread that ran a patched site's old `mov` and resumes at its old syscall
            // instruction, or a syscall restarted there, meets the invalid opcode the patch
            // left: it goes through the patched jump (or makes the restart_syscall call).
            bool is_syscall = false;
            if (arch::restart_patched_site(vm, ctx.regs, is_syscall)) {
                if (!is_syscall)
                    continue;
                ctx.regs.orig_rax = ctx.regs.rax;
                return {ReturnReason::Kind::syscall, {}};
            }
            if (trap->code == SI_KERNEL && follows_syscall_instruction(vm, ctx.regs.rip)) {
                // The host runs uretprobe and uprobe (335, 336) without asking seccomp, and
                // answers a call from outside its uprobe trampoline with SIGILL (rax -1).
                // Neither exists for a guest of Asterix: ENOSYS, as for any unknown number.
                ctx.regs.rax = static_cast<u64>(-i64 {enosys});
                continue;
            }
            return exception(ExceptionKind::invalid_opcode, trap->addr, Access::exec, trap->code);
        }
        case SIGFPE:
            return exception(ExceptionKind::divide_error, trap->addr, Access::read, trap->code);
        case SIGTRAP:
            // A single step (the trap flag, set after the site was patched) that stopped in a
            // patched site's trampoline: the guest sees the syscall it was making, as if the
            // site were unpatched.
            if (arch::take_call_in_patch_path(vm, ctx.regs)) {
                ctx.regs.orig_rax = ctx.regs.rax;
                return {ReturnReason::Kind::syscall, {}};
            }
            if (auto debug_trap = debug_register_trap(space, ctx, trap->code))
                return *debug_trap;
            return exception(ExceptionKind::breakpoint, trap->addr, Access::exec, trap->code);
        case host::preempt_signal:
            return {ReturnReason::Kind::interrupted, {}};
        default:
            continue;
        }
    }
}

} // namespace

ReturnReason execute_user(VmSpace& vm, UserContext& ctx)
{
    auto& space = vm.arch();
    if (space.systrap())
        return execute_user_systrap(vm, ctx);
    pid_t pid = space.pid();
    if (Task* task = current_task_or_null())
        task->user_context = &ctx;
    u64 last_fault_addr = ~0ull;
    int repeated_faults = 0;
    for (;;) {
        space.flush();
        if (!space.is_alive())
            return exception(ExceptionKind::address_space_lost);
        switch_fp_state(space, vm, ctx);
        switch_debug_registers(space, ctx);
        // Not in a syscall as far as the host knows: its restart logic must never move rip.
        ctx.regs.orig_rax = ~0ull;
        // SAFETY: GeneralRegs has the layout of user_regs_struct (asserted above).
        ptrace(PTRACE_SETREGS, pid, 0, &ctx.regs);
        host::g_running_pid = pid;
        ptrace(PTRACE_SYSEMU, pid, 0, 0);
        int status = arch::wait_for_stop(pid);
        host::g_running_pid = 0;
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            space.mark_reaped();
            klog(Subsystem::vm, LogLevel::error, "address-space process %d died (status %#x)", pid, status);
            return exception(ExceptionKind::address_space_lost);
        }
        ptrace(PTRACE_GETREGS, pid, 0, &ctx.regs);
        int sig = WSTOPSIG(status);
        if (sig == (SIGTRAP | 0x80)) {
            if (is_compat_syscall(pid, ctx.regs)) {
                // Asterix has no i386 syscall table. It answers as Linux built without IA32
                // emulation, which has no gate for int $0x80: a general protection fault at
                // the instruction (all three 32-bit entries are two bytes long), rax intact.
                ctx.regs.rip -= 2;
                ctx.regs.rax = ctx.regs.orig_rax;
                return exception(ExceptionKind::general_protection);
            }
            return {ReturnReason::Kind::syscall, {}};
        }
        if ((status >> 16) == PTRACE_EVENT_STOP)
            return {ReturnReason::Kind::interrupted, {}};

        siginfo_t info {};
        ptrace(PTRACE_GETSIGINFO, pid, 0, &info);
        u64 addr = reinterpret_cast<u64>(info.si_addr);
        klog(Subsystem::vm, LogLevel::trace, "guest stop: signal %d code %d addr %#llx ip %#llx", sig, info.si_code,
            static_cast<unsigned long long>(addr), static_cast<unsigned long long>(ctx.regs.rip));
        switch (sig) {
        case SIGSEGV: {
            // A misaligned call into the vsyscall page: the same fault as any other call there.
            if (info.si_code == SI_KERNEL && is_in_vsyscall_page(ctx.regs.rip))
                return page_fault(ctx.regs.rip, Access::exec, FaultOutcome::no_mapping);
            if (info.si_code == SI_KERNEL)
                return exception(ExceptionKind::general_protection, 0, Access::read, info.si_code);
            vm.count_fault();
            if (vm.fill_tlb(addr))
                continue;
            repeated_faults = (addr == last_fault_addr) ? repeated_faults + 1 : 0;
            last_fault_addr = addr;
            Access access = infer_access(vm, addr, ctx.regs.rip);
            // A fault the handler keeps calling handled yet that comes back is one the page
            // table cannot give (the inferred access was not the real one): the mapping
            // forbids it.
            FaultOutcome outcome = repeated_faults < max_repeated_faults ? vm.handle_fault({addr, access}) : FaultOutcome::access_denied;
            if (outcome == FaultOutcome::handled) {
                // Map what the handler added now, saving the guest a second fault.
                vm.fill_tlb(addr);
                continue;
            }
            return page_fault(addr, access, outcome);
        }
        case SIGBUS:
            return exception(ExceptionKind::bus_error, addr, Access::read, info.si_code);
        case SIGILL:
            return exception(ExceptionKind::invalid_opcode, addr, Access::exec, info.si_code);
        case SIGFPE:
            return exception(ExceptionKind::divide_error, addr, Access::read, info.si_code);
        case SIGTRAP:
            if (auto trap = debug_register_trap(space, ctx, info.si_code))
                return *trap;
            return exception(ExceptionKind::breakpoint, addr, Access::exec, info.si_code);
        case SIGSYS: {
            // A call into the legacy vsyscall page: the host emulated it as gettimeofday, time
            // or getcpu, the stub's filter trapped (address_space.cpp), and the host has made
            // the call return already. Asterix answers as Linux with vsyscall=none (as on bare
            // metal, which has no such page): undo the return and fault at the called address.
            // (rax reads -ENOSYS: the host's emulation overwrote it.)
            u64 call_addr = reinterpret_cast<u64>(info.si_call_addr);
            if (info.si_code != sys_seccomp_code || !is_in_vsyscall_page(call_addr))
                continue;
            ctx.regs.rip = call_addr;
            ctx.regs.rsp -= 8;
            return page_fault(call_addr, Access::exec, FaultOutcome::no_mapping);
        }
        default:
            // A host signal that is not the guest's business (the guest's signals are the
            // kernel's own): suppress it and go on.
            continue;
        }
    }
}

} // namespace asterix::frame
