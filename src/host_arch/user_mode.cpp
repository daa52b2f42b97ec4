// UserMode on the host: a guest thread runs in its address-space process under PTRACE_SYSEMU.

#include <elf.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "frame/log.h"
#include "frame/task.h"
#include "frame/user_mode.h"
#include "host_arch/address_space.h"
#include "host_arch/host.h"

namespace asterix::frame {

static_assert(sizeof(GeneralRegs) == sizeof(user_regs_struct));

UserContext::UserContext() = default;

UserContext::~UserContext()
{
    if (loaded_in)
        loaded_in->arch().loaded_context = nullptr;
}

namespace {

/// The size of the host's XSAVE state (what PTRACE_GETREGSET NT_X86_XSTATE returns).
usize xstate_bytes(pid_t pid)
{
    static usize bytes = 0;
    if (!bytes) {
        std::vector<u8> probe(64 * 1024);
        iovec iov {probe.data(), probe.size()};
        bytes = ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov) == 0 ? iov.iov_len : 512;
    }
    return bytes;
}

/// Brings the context's FPU state from the backend into `fp_state` (so that it can be read or
/// changed) and detaches it from the backend, which reloads it before the thread runs again.
void pull_fp_state(VmSpace& vm, UserContext& ctx)
{
    auto& space = vm.arch();
    if (ctx.is_fp_saved)
        return;
    ctx.fp_state.assign(xstate_bytes(space.pid()), 0);
    if (ctx.is_fp_initial || space.loaded_context != &ctx) {
        // The power-on state: FCW 0x37f, MXCSR 0x1f80, x87 and SSE marked present.
        ctx.fp_state[0] = 0x7f;
        ctx.fp_state[1] = 0x03;
        ctx.fp_state[24] = 0x80;
        ctx.fp_state[25] = 0x1f;
        ctx.fp_state[512] = 0x3; // XSTATE_BV: x87 | SSE
        ctx.is_fp_initial = false;
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

std::array<u8, 512> UserContext::fp_legacy_state(VmSpace& vm)
{
    pull_fp_state(vm, *this);
    std::array<u8, 512> image;
    std::copy(fp_state.begin(), fp_state.begin() + 512, image.begin());
    return image;
}

void UserContext::set_fp_legacy_state(VmSpace& vm, const std::array<u8, 512>& image)
{
    pull_fp_state(vm, *this);
    std::copy(image.begin(), image.end(), fp_state.begin());
    // Bytes 464..511 are software-reserved; the XSAVE header must mark x87 and SSE present.
    std::fill(fp_state.begin() + 464, fp_state.begin() + 512, u8 {0});
    fp_state[512] |= 0x3;
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
        old.fp_state.assign(xstate_bytes(pid), 0);
        iovec iov {old.fp_state.data(), old.fp_state.size()};
        if (ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov) == 0)
            old.is_fp_saved = true;
        old.loaded_in = nullptr;
    }
    if (ctx.loaded_in && ctx.loaded_in != &vm)
        ctx.loaded_in->arch().loaded_context = nullptr;
    if (ctx.is_fp_initial) {
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

ReturnReason exception(ExceptionKind kind, u64 addr = 0, Access access = Access::read, int code = 0)
{
    return {ReturnReason::Kind::exception, {kind, addr, access, code}};
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

} // namespace

ReturnReason execute_user(VmSpace& vm, UserContext& ctx)
{
    auto& space = vm.arch();
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
        // Not in a syscall as far as the host knows: its restart logic must never move rip.
        ctx.regs.orig_rax = ~0ull;
        // SAFETY: GeneralRegs has the layout of user_regs_struct (asserted above).
        ptrace(PTRACE_SETREGS, pid, 0, &ctx.regs);
        host::g_running_pid = pid;
        ptrace(PTRACE_SYSEMU, pid, 0, 0);
        int status = arch::wait_for_stop(pid);
        host::g_running_pid = 0;
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            space.mark_dead();
            klog(Subsystem::vm, LogLevel::error, "address-space process %d died (status %#x)", pid, status);
            return exception(ExceptionKind::address_space_lost);
        }
        ptrace(PTRACE_GETREGS, pid, 0, &ctx.regs);
        int sig = WSTOPSIG(status);
        if (sig == (SIGTRAP | 0x80))
            return {ReturnReason::Kind::syscall, {}};
        if ((status >> 16) == PTRACE_EVENT_STOP)
            return {ReturnReason::Kind::interrupted, {}};

        siginfo_t info {};
        ptrace(PTRACE_GETSIGINFO, pid, 0, &info);
        u64 addr = reinterpret_cast<u64>(info.si_addr);
        klog(Subsystem::vm, LogLevel::trace, "guest stop: signal %d code %d addr %#llx ip %#llx", sig, info.si_code,
            static_cast<unsigned long long>(addr), static_cast<unsigned long long>(ctx.regs.rip));
        switch (sig) {
        case SIGSEGV: {
            if (info.si_code == SI_KERNEL)
                return exception(ExceptionKind::general_protection, 0, Access::read, info.si_code);
            if (vm.fill_tlb(addr))
                continue;
            repeated_faults = (addr == last_fault_addr) ? repeated_faults + 1 : 0;
            last_fault_addr = addr;
            Access access = infer_access(vm, addr, ctx.regs.rip);
            if (repeated_faults < max_repeated_faults && !vm.handle_fault({addr, access}).is_error()) {
                // Map what the handler added now, saving the guest a second fault.
                vm.fill_tlb(addr);
                continue;
            }
            return exception(ExceptionKind::page_fault, addr, access, info.si_code);
        }
        case SIGBUS:
            return exception(ExceptionKind::bus_error, addr, Access::read, info.si_code);
        case SIGILL:
            return exception(ExceptionKind::invalid_opcode, addr, Access::exec, info.si_code);
        case SIGFPE:
            return exception(ExceptionKind::divide_error, addr, Access::read, info.si_code);
        case SIGTRAP:
            return exception(ExceptionKind::breakpoint, addr, Access::exec, info.si_code);
        default:
            // A host signal that is not the guest's business (the guest's signals are the
            // kernel's own): suppress it and go on.
            continue;
        }
    }
}

} // namespace asterix::frame
