// The systrap platform's handoff: a parked guest thread's signal frame, and its resumption
// (stub.S has the stub side, systrap_setup.cpp the pages and filters).
//
// Everything in these pages but the setup page and the request page can be written by guest
// code at any time it runs, so the kernel copies what it reads before it checks it, and writes
// anew, before every resume, everything the stub or the host reads back.

#include "host_arch/systrap.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "frame/clock.h"
#include "frame/internal.h"
#include "frame/log.h"
#include "host_arch/host.h"

extern "C" const char ax_stub_start[];
extern "C" const char ax_stub_idle[];

namespace asterix::frame::arch {

namespace {

/// How much longer than the budget the kernel spins for a stub it has just moved to another
/// CPU and woken there (a cross-CPU wake-up took 20 us on the 2-vCPU VM when idle).
constexpr u64 warm_up_spin_factor = 10;
constexpr u32 state_trapped = 1;
constexpr u32 state_resume = 2;
/// The fast handoff of a patched syscall site (stub.S): a call is waiting, the kernel's answer
/// is in the fast area, the kernel wants the thread parked in its signal handler instead.
constexpr u32 state_fast = 3;
constexpr u32 state_fast_resume = 4;
constexpr u32 state_convert = 5;
/// The flags a fast return may restore (popfq in the stub): the arithmetic ones and DF, with
/// IF and the reserved bit 1 that every user flags value has. Anything else (TF above all)
/// goes back the slow way, through a signal frame.
constexpr u64 fast_flags_mask = 0xcd5;
constexpr u64 flags_always = 0x202;
constexpr u64 user_cs = 0x33;
constexpr u32 audit_arch_x86_64 = 0xc000003e;
constexpr int sigsys_seccomp_code = 1;

// The host's signal frame: struct ucontext with the x86-64 sigcontext, and siginfo.
constexpr usize uc_gregs_offset = 40;
constexpr usize uc_fpstate_ptr_offset = uc_gregs_offset + 23 * 8;
constexpr usize uc_sigmask_offset = uc_gregs_offset + 256;
constexpr usize ucontext_bytes = uc_sigmask_offset + 8;
constexpr usize siginfo_bytes = 128;
enum Greg : usize { r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags, csgsfs, err, trapno, oldmask, cr2, count };
constexpr usize fx_sw_bytes_offset = 464; // software-reserved bytes the host's sigreturn checks
constexpr usize fxsave_bytes = 512;
constexpr u32 fp_xstate_magic1 = 0x46505853;

constexpr u64 altstack_end = altstack_addr + altstack_pages * page_size;
constexpr u64 unanswered_preempts_max = 5; // timer ticks (10 ms)
constexpr int caught_in_stub_max = 20;
// stub.S drops this signal in a patched site's path by its number.
static_assert(host::preempt_signal == 12, "stub.S's PREEMPT_SIGNAL");

void put_u64(std::span<u8> page, usize offset, u64 value) { std::memcpy(page.data() + offset, &value, sizeof value); }
u64 get_u64(std::span<const u8> page, usize offset)
{
    u64 value;
    std::memcpy(&value, page.data() + offset, sizeof value);
    return value;
}

/// A 4-byte word of the message page, for atomic access (the state word and the spin words).
u32* message_word(SystrapSpace& sys, usize offset)
{
    // SAFETY: every such offset is 4-byte aligned, in a page of the direct map.
    return reinterpret_cast<u32*>(frame::frame_direct_bytes(sys.sysmsg).data() + offset);
}

u32* state_word(SystrapSpace& sys) { return message_word(sys, state_offset); }

/// The space whose stub may be spinning for an answer: when the kernel turns to another
/// thread or goes idle, that one's answer will not come soon, and its spin budget is taken
/// back (null: take it back from whichever stub has it).
SystrapSpace* g_spinning_stub = nullptr;

void withdraw_stub_spin(const SystrapSpace* next)
{
    if (g_spinning_stub && g_spinning_stub != next)
        __atomic_store_n(message_word(*g_spinning_stub, stub_spin_offset), 0u, __ATOMIC_RELAXED);
    g_spinning_stub = nullptr;
}

/// Copies between the kernel and the alternate stack at an address of the address-space
/// process; the caller has checked that [addr, addr + len) lies in the stack.
void copy_altstack(SystrapSpace& sys, u64 addr, std::span<u8> kernel, bool is_read)
{
    usize done = 0;
    while (done < kernel.size()) {
        u64 offset = addr + done - altstack_addr;
        auto page = frame::frame_direct_bytes(sys.altstack[offset / page_size]);
        usize in_page = offset % page_size;
        usize n = std::min(kernel.size() - done, page_size - in_page);
        if (is_read)
            std::memcpy(kernel.data() + done, page.data() + in_page, n);
        else
            std::memcpy(page.data() + in_page, kernel.data() + done, n);
        done += n;
    }
}

bool is_in_altstack(u64 addr, usize len) { return addr >= altstack_addr && addr <= altstack_end && len <= altstack_end - addr; }

/// Reads where the guest thread's handler says its signal frame is and checks it: the frame
/// must lie in the alternate stack, or the thread did not trap the way the stub set it up.
bool take_trap_frame(AddressSpace& space)
{
    SystrapSpace& sys = *space.systrap();
    auto message = frame::frame_direct_bytes(sys.sysmsg);
    u64 ucontext = get_u64(message, ucontext_ptr_offset);
    u64 siginfo = get_u64(message, siginfo_ptr_offset);
    if (!is_in_altstack(ucontext, ucontext_bytes) || !is_in_altstack(siginfo, siginfo_bytes) || ucontext % 8 != 0) {
        klog(Subsystem::vm, LogLevel::warn, "systrap: signal frame at %#llx, siginfo at %#llx",
            static_cast<unsigned long long>(ucontext), static_cast<unsigned long long>(siginfo));
        space.lose("the guest thread trapped with its signal frame outside the stub's stack");
        return false;
    }
    u8 pointer[8];
    copy_altstack(sys, ucontext + uc_fpstate_ptr_offset, pointer, true);
    u64 fpstate = get_u64(pointer, 0);
    // The frame's size of the XSAVE state is in its software-reserved bytes (struct
    // _fpx_sw_bytes: magic1, extended_size, xfeatures, xstate_size), where the host put it;
    // a frame without them holds the FXSAVE image alone.
    usize fp_bytes = fxsave_bytes;
    if (is_in_altstack(fpstate, fxsave_bytes)) {
        u8 sw[fxsave_bytes - fx_sw_bytes_offset];
        copy_altstack(sys, fpstate + fx_sw_bytes_offset, sw, true);
        u32 magic1, size;
        std::memcpy(&magic1, sw, sizeof magic1);
        std::memcpy(&size, sw + 16, sizeof size);
        if (magic1 == fp_xstate_magic1)
            fp_bytes = std::clamp<usize>(size, fxsave_bytes, xstate_bytes(0));
    }
    if (!is_in_altstack(fpstate, fp_bytes + 4 /* FP_XSTATE_MAGIC2 */) || fpstate % (fp_bytes > fxsave_bytes ? 64 : 16) != 0) {
        space.lose("the guest thread trapped with its FPU state outside the stub's stack");
        return false;
    }
    sys.ucontext_addr = ucontext;
    sys.siginfo_addr = siginfo;
    sys.fpstate_addr = fpstate;
    sys.fpstate_bytes = fp_bytes;
    return true;
}

enum class Handoff : u8 { trapped, fast, stopped, lost };

/// Takes the guest thread back by ptrace when it does not take the preemption signal (a guest
/// can block it with a rt_sigreturn of its own): seizes it, stops it with PTRACE_INTERRUPT,
/// takes its registers, and sends it, with no signal blocked, to the stub's idle trap, where
/// the handler parks it as usual. Its FPU state stays in the thread, so the next frame has it.
enum class TakeBack : u8 { taken, in_stub, failed };

TakeBack take_back_by_ptrace(AddressSpace& space, GeneralRegs& regs)
{
    SystrapSpace& sys = *space.systrap();
    pid_t tid = sys.guest_tid;
    if (ptrace(PTRACE_SEIZE, tid, 0, 0) != 0 || ptrace(PTRACE_INTERRUPT, tid, 0, 0) != 0) {
        space.lose("cannot seize the guest thread that does not take the preemption signal");
        return TakeBack::failed;
    }
    int status = wait_for_stop(tid);
    if (!WIFSTOPPED(status) || (status >> 16) != PTRACE_EVENT_STOP) {
        // A fault signal that met the blocked handler has reset it to the default action
        // for the whole process: the stub cannot serve this address space any more.
        space.lose("the guest thread stopped for a signal while its handler was blocked", status);
        return TakeBack::failed;
    }
    user_regs_struct host {};
    if (ptrace(PTRACE_GETREGS, tid, 0, &host) != 0) {
        space.lose("cannot read the seized guest thread's registers");
        return TakeBack::failed;
    }
    if (host.rip >= stub_code_addr && host.rip < stub_code_addr + page_size) {
        // Caught in the stub, on its way to park itself (or a guest that jumped there): these
        // registers are not the guest's. Let it go on; the trap it is making will come.
        if (ptrace(PTRACE_DETACH, tid, 0, 0) != 0) {
            space.lose("cannot let the seized guest thread go");
            return TakeBack::failed;
        }
        return TakeBack::in_stub;
    }
    // SAFETY: GeneralRegs has the layout of user_regs_struct (user_mode.cpp asserts it).
    std::memcpy(&regs, &host, sizeof regs);
    regs.orig_rax = ~0ull;
    user_regs_struct idle {};
    idle.rip = stub_code_addr + static_cast<u64>(ax_stub_idle - ax_stub_start);
    idle.eflags = 0x202;
    idle.cs = 0x33;
    idle.ss = 0x2b;
    idle.fs_base = host.fs_base;
    idle.gs_base = host.gs_base;
    idle.orig_rax = ~0ull;
    u64 no_signals = 0;
    u32* state = state_word(sys);
    __atomic_store_n(state, 0u, __ATOMIC_RELEASE);
    if (ptrace(PTRACE_SETREGS, tid, 0, &idle) != 0 || ptrace(PTRACE_SETSIGMASK, tid, sizeof no_signals, &no_signals) != 0
        || ptrace(PTRACE_DETACH, tid, 0, 0) != 0) {
        space.lose("cannot send the seized guest thread to the stub");
        return TakeBack::failed;
    }
    klog(Subsystem::vm, LogLevel::info, "address-space process %d: took its guest thread back by ptrace", space.pid());
    return wait_for_first_trap(space) ? TakeBack::taken : TakeBack::failed;
}

} // namespace

bool systrap_with_guest_stopped(AddressSpace& space, const std::function<void(pid_t)>& work)
{
    pid_t tid = space.systrap()->guest_tid;
    if (ptrace(PTRACE_SEIZE, tid, 0, 0) != 0) {
        space.lose("cannot seize the parked guest thread");
        return false;
    }
    if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) != 0) {
        space.lose("cannot stop the parked guest thread");
        return false;
    }
    int status = wait_for_stop(tid);
    if (!WIFSTOPPED(status) || (status >> 16) != PTRACE_EVENT_STOP) {
        space.lose("the parked guest thread stopped for a signal", status);
        return false;
    }
    work(tid);
    // The interrupted wait in the stub restarts when the thread goes on.
    if (ptrace(PTRACE_DETACH, tid, 0, 0) != 0) {
        space.lose("cannot let the parked guest thread go");
        return false;
    }
    return true;
}

namespace {

/// Spins while the state word holds `value`, for `ticks` of the TSC at most: whether it changed.
bool spin_while(const u32* state, u32 value, u64 ticks)
{
    u64 deadline = read_spin_tsc() + ticks;
    for (;;) {
        if (__atomic_load_n(state, __ATOMIC_ACQUIRE) != value)
            return true;
        if (read_spin_tsc() >= deadline)
            return false;
        __builtin_ia32_pause();
    }
}

/// Asterix runs pinned to one CPU (main.cpp), and so do the guest threads it starts: the host
/// scheduler would keep them on one CPU anyway, as it puts a woken thread on its waker's CPU.
/// A thread that hands over quickly is moved to the other CPUs asterix was allowed; then both
/// can spin.
bool can_move_apart(u32 kernel_cpu)
{
    u64 cpus = host::cpus_before_pinning();
    return kernel_cpu < 64 && (cpus & ~(u64 {1} << kernel_cpu)) != 0;
}

/// Whether the host has a CPU for the guest thread beside the kernel's: spinning across CPUs
/// pays only then (on a loaded host both would wait for the other tasks of their CPUs). The
/// number of runnable host tasks (/proc/loadavg's fourth field, which counts asterix itself)
/// must not exceed the CPUs asterix may use.
bool has_free_cpu()
{
    // ASTERIX_SYSTRAP_SPIN_IGNORE_LOAD=1 skips the check, to test the spinning paths on a
    // loaded host.
    static const bool is_load_ignored = [] {
        const char* text = std::getenv("ASTERIX_SYSTRAP_SPIN_IGNORE_LOAD");
        return text && *text && *text != '0';
    }();
    if (is_load_ignored)
        return true;
    int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char text[128] {};
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return false;
    // "0.50 0.40 0.30 2/180 12345": the runnable count follows the third space.
    const char* p = text;
    for (int spaces = 0; *p && spaces < 3; ++p)
        spaces += *p == ' ';
    u64 runnable = 0;
    for (; *p >= '0' && *p <= '9'; ++p)
        runnable = runnable * 10 + static_cast<u64>(*p - '0');
    return *p == '/' && runnable <= static_cast<u64>(__builtin_popcountll(host::cpus_before_pinning()));
}

/// Moves the guest thread off the kernel's CPU, or back to it. A failure (the thread is gone)
/// leaves it where it is: the next trap, or its absence, tells.
void place_guest_thread(pid_t tid, u32 kernel_cpu, bool is_apart)
{
    u64 cpus = is_apart ? host::cpus_before_pinning() & ~(u64 {1} << kernel_cpu) : u64 {1} << kernel_cpu;
    cpu_set_t set;
    CPU_ZERO(&set);
    for (u32 i = 0; i < 64; ++i) {
        if (cpus & (u64 {1} << i))
            CPU_SET(i, &set);
    }
    sched_setaffinity(tid, sizeof set, &set);
}

/// The kernel's side of the adaptive spin (systrap_spin.h) before a resume: learns how the
/// stub's last wait went, decides who spins until the next trap and where the guest thread
/// runs, and tells the stub. The CPU the stub last trapped on stands for where it runs next
/// (the stub checks again at its next trap). The words and times read here are guest-writable:
/// a wrong value only makes either side spin or sleep at the wrong time (each spin is bounded,
/// and a missed wake-up of the kernel lasts until the next timer tick), or moves the guest's
/// own thread between the CPUs asterix may use.
SpinDecision prepare_spin(SystrapSpace& sys, u32 budget)
{
    HandoffTiming& timing = sys.timing;
    HandoffPolicy& policy = timing.policy;
    auto message = frame::frame_direct_bytes(sys.sysmsg);
    u32 kernel_cpu = static_cast<u32>(sched_getcpu());
    SpinDecision decision;
    u32 answer_budget = systrap_answer_budget_ticks();
    if (budget != 0) {
        // The stub waited from its trap; the kernel's part is from when it saw the trap.
        if (timing.is_trap_timed)
            policy.record_kernel_answer(static_cast<i64>(read_spin_tsc() - timing.trap_seen_tsc) <= static_cast<i64>(answer_budget));
        if (timing.is_stub_let_spin)
            policy.record_spin(__atomic_load_n(message_word(sys, stub_asleep_offset), __ATOMIC_RELAXED) == 0);
        u32 stub_cpu;
        std::memcpy(&stub_cpu, message.data() + stub_cpu_offset, sizeof stub_cpu);
        decision = policy.decide(stub_cpu != kernel_cpu, can_move_apart(kernel_cpu));
        if (decision.should_move_apart && !has_free_cpu()) {
            policy.cancel_move_apart();
            decision.should_move_apart = false;
        }
        if (decision.should_move_apart || decision.should_move_together)
            place_guest_thread(sys.guest_tid, kernel_cpu, decision.should_move_apart);
    }
    timing.is_stub_let_spin = decision.is_stub_let_spin;
    u32 stub_budget = decision.is_stub_let_spin ? answer_budget : 0;
    withdraw_stub_spin(&sys);
    if (stub_budget != 0)
        g_spinning_stub = &sys;
    std::memcpy(message.data() + kernel_cpu_offset, &kernel_cpu, sizeof kernel_cpu);
    std::memcpy(message.data() + stub_spin_offset, &stub_budget, sizeof stub_budget);
    __atomic_store_n(message_word(sys, kernel_spinning_offset), decision.is_kernel_spinning ? 1u : 0u, __ATOMIC_RELAXED);
    return decision;
}

/// The kernel's side of the adaptive spin after a trap: how long the guest ran, from when the
/// stub saw the answer to its trap (both TSC values its own CPU gave: the TSC is invariant,
/// and in step across CPUs, wherever spinning is on at all), and whether a spin got the trap.
void learn_from_trap(SystrapSpace& sys, u32 budget, bool is_trapped, bool has_spun, bool is_answered_in_spin)
{
    HandoffTiming& timing = sys.timing;
    timing.is_trap_timed = is_trapped && budget != 0;
    if (!timing.is_trap_timed)
        return;
    auto message = frame::frame_direct_bytes(sys.sysmsg);
    timing.trap_seen_tsc = read_spin_tsc();
    u64 run_ticks = get_u64(message, trap_tsc_offset) - get_u64(message, stub_resume_tsc_offset);
    timing.policy.record_guest_run(static_cast<i64>(run_ticks) <= static_cast<i64>(budget));
    if (has_spun)
        timing.policy.record_spin(is_answered_in_spin);
}

/// Lets the parked guest thread run and waits until it traps again. The timer preempts it with
/// preempt_signal (interrupts.cpp); a thread that keeps that signal blocked is taken back by
/// ptrace (take_back_by_ptrace), its registers then in `regs`.
Handoff resume_and_wait(AddressSpace& space, GeneralRegs& regs, u32 state_go)
{
    SystrapSpace& sys = *space.systrap();
    u32* state = state_word(sys);
    u32* kernel_spinning = message_word(sys, kernel_spinning_offset);
    auto message = frame::frame_direct_bytes(sys.sysmsg);
    u32 budget = systrap_spin_budget_ticks();
    SpinDecision decision = prepare_spin(sys, budget);
    bool is_spinning = decision.is_kernel_spinning;
    u64 spin_ticks = budget;
    host::g_preempt_signals = 0;
    host::g_running_pid = space.pid();
    host::g_running_tid = sys.guest_tid;
    sys.is_fast_parked = false;
    // Sequentially consistent, against the stub's own store and load in the other order: either
    // the kernel sees that the stub sleeps and wakes it, or the stub sees the new state before
    // it sleeps.
    __atomic_store_n(state, state_go, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(message_word(sys, stub_asleep_offset), __ATOMIC_SEQ_CST) != 0) {
        shared_futex_wake(state);
        // A sleeping thread takes a wake-up to come back: too long to spin for, but once.
        is_spinning = decision.is_warming_up;
        spin_ticks = u64 {budget} * warm_up_spin_factor;
    }
    bool is_answered_in_spin = is_spinning && spin_while(state, state_go, spin_ticks);
    // From here the kernel may sleep, so the stub must wake it: the same pairing as above.
    // (When the kernel did not mean to spin, the word has said so since before the resume.)
    if (decision.is_kernel_spinning)
        __atomic_store_n(kernel_spinning, 0u, __ATOMIC_SEQ_CST);
    Handoff outcome = Handoff::lost;
    int caught_in_stub = 0;
    for (;;) {
        // Any value but "resume" is a trap: a guest that writes another value there only
        // hands the kernel a frame of its own making, which is checked like any.
        if (__atomic_load_n(state, __ATOMIC_ACQUIRE) != state_go) {
            outcome = Handoff::trapped;
            break;
        }
        shared_futex_wait(state, state_go, 50'000'000);
        if (__atomic_load_n(state, __ATOMIC_ACQUIRE) != state_go) {
            outcome = Handoff::trapped;
            break;
        }
        if (!space.check_alive())
            break;
        if (static_cast<u64>(host::g_preempt_signals) > unanswered_preempts_max) {
            TakeBack taken = take_back_by_ptrace(space, regs);
            if (taken == TakeBack::in_stub && ++caught_in_stub < caught_in_stub_max) {
                host::g_preempt_signals = 0;
                continue;
            }
            if (taken == TakeBack::in_stub)
                space.lose("the guest thread keeps running stub code");
            outcome = taken == TakeBack::taken ? Handoff::stopped : Handoff::lost;
            break;
        }
    }
    host::g_running_tid = 0;
    host::g_running_pid = 0;
    learn_from_trap(sys, budget, outcome == Handoff::trapped, is_spinning, is_answered_in_spin);
    if (outcome == Handoff::trapped && __atomic_load_n(state, __ATOMIC_ACQUIRE) == state_fast) {
        // A patched site's call: the thread waits in the fast handoff, with no signal frame.
        sys.is_fast_parked = true;
        return Handoff::fast;
    }
    if (outcome == Handoff::trapped && !take_trap_frame(space))
        outcome = Handoff::lost;
    return outcome;
}

/// Sends the thread that waits in the fast handoff to trap the ordinary way (from the stub's
/// idle loop), so that its signal frame holds its FPU state and takes the registers the
/// kernel writes. False when the address space was lost.
bool park_in_signal_handler(AddressSpace& space)
{
    SystrapSpace& sys = *space.systrap();
    if (!sys.is_fast_parked)
        return true;
    sys.is_fast_parked = false;
    u32* state = state_word(sys);
    // The thread traps through its signal handler within a few microseconds: across CPUs the
    // kernel spins for that as for any trap (the same pairing as in resume_and_wait), longer
    // if the stub sleeps and must be woken first.
    u32* kernel_spinning = message_word(sys, kernel_spinning_offset);
    u32 budget = systrap_spin_budget_ticks();
    u32 stub_cpu;
    std::memcpy(&stub_cpu, frame::frame_direct_bytes(sys.sysmsg).data() + stub_cpu_offset, sizeof stub_cpu);
    bool is_spinning = budget != 0 && stub_cpu != static_cast<u32>(sched_getcpu());
    __atomic_store_n(kernel_spinning, is_spinning ? 1u : 0u, __ATOMIC_RELAXED);
    __atomic_store_n(state, state_convert, __ATOMIC_SEQ_CST);
    u64 spin_ticks = budget;
    if (__atomic_load_n(message_word(sys, stub_asleep_offset), __ATOMIC_SEQ_CST) != 0) {
        shared_futex_wake(state);
        spin_ticks = u64 {budget} * warm_up_spin_factor;
    }
    if (is_spinning)
        spin_while(state, state_convert, spin_ticks);
    __atomic_store_n(kernel_spinning, 0u, __ATOMIC_SEQ_CST);
    u64 deadline = monotonic_ns() + systrap_batch_timeout_ns;
    while (__atomic_load_n(state, __ATOMIC_ACQUIRE) == state_convert) {
        shared_futex_wait(state, state_convert, 20'000'000);
        if (__atomic_load_n(state, __ATOMIC_ACQUIRE) != state_convert)
            break;
        if (!space.check_alive() || monotonic_ns() > deadline) {
            space.lose("the guest thread never left the fast handoff");
            return false;
        }
    }
    if (__atomic_load_n(state, __ATOMIC_ACQUIRE) != state_trapped) {
        space.lose("the guest thread left the fast handoff without trapping");
        return false;
    }
    return take_trap_frame(space);
}

/// The registers and siginfo of a trap, copied out of the thread's signal frame.
SystrapTrap take_frame_trap(SystrapSpace& sys, std::span<const u8> message, GeneralRegs& out);

/// Whether `regs` can go back through the fast handoff, which returns with `jmp *%rcx` and
/// restores only the flags of fast_flags_mask: the shape a syscall's return has.
bool can_return_fast(const GeneralRegs& regs)
{
    return regs.rcx == regs.rip && regs.rip < user_space_end && (regs.eflags & ~(fast_flags_mask | flags_always)) == 0
        && (regs.cs == user_cs || regs.cs == 0);
}

/// The registers of a patched site's call, copied out of the fast area (guest-writable: they
/// are only the guest's registers, as a trap would give them).
SystrapTrap take_fast_call(std::span<const u8> message, GeneralRegs& out)
{
    u64 r[fast_regs_count];
    std::memcpy(r, message.data() + fast_regs_offset, sizeof r);
    u8 flags[2];
    std::memcpy(flags, message.data() + fast_flags_offset, sizeof flags);
    out.r15 = r[0], out.r14 = r[1], out.r13 = r[2], out.r12 = r[3], out.rbp = r[4], out.rbx = r[5];
    out.r10 = r[7], out.r9 = r[8], out.r8 = r[9], out.rax = r[10];
    out.rdx = r[12], out.rsi = r[13], out.rdi = r[14], out.rsp = r[19];
    // As the syscall instruction leaves them: rcx the return address, r11 the flags. Only the
    // arithmetic flags were saved (lahf and seto need no stack); DF is taken as clear, as the
    // ABI has it at every call.
    out.rip = r[11];
    out.rcx = r[11];
    out.eflags = flags_always | (flags[1] & 0xd5) | (flags[0] ? 0x800 : 0);
    out.r11 = out.eflags;
    out.cs = user_cs;
    out.orig_rax = ~0ull;
    out.fs_base = get_u64(message, fs_base_offset);
    out.gs_base = get_u64(message, gs_base_offset);
    return SystrapTrap {SIGSYS, sigsys_seccomp_code, out.rip, static_cast<int>(static_cast<u32>(out.rax)), audit_arch_x86_64, 0, true};
}

/// What a resume ended in, as the trap the kernel handles; none when the space was lost.
std::optional<SystrapTrap> take_outcome(Handoff outcome, SystrapSpace& sys, std::span<const u8> message, GeneralRegs& regs)
{
    switch (outcome) {
    case Handoff::lost:
        return std::nullopt;
    case Handoff::stopped:
        // Taken back by ptrace, registers and all: as if the preemption signal had been taken.
        return SystrapTrap {host::preempt_signal, 0, 0, 0, 0, 0};
    case Handoff::fast:
        return take_fast_call(message, regs);
    case Handoff::trapped:
        break;
    }
    return take_frame_trap(sys, message, regs);
}

} // namespace

bool wait_for_first_trap(AddressSpace& space)
{
    SystrapSpace& sys = *space.systrap();
    auto message = frame::frame_direct_bytes(sys.sysmsg);
    // At setup, nothing of the guest has run yet: the thread id the mapping thread wrote is
    // the clone's. (Later the page is the guest's to scribble on.)
    if (sys.guest_tid == 0)
        sys.guest_tid = static_cast<pid_t>(get_u64(message, guest_tid_offset));
    u32* state = state_word(sys);
    u64 deadline = monotonic_ns() + systrap_batch_timeout_ns;
    while (__atomic_load_n(state, __ATOMIC_ACQUIRE) != state_trapped) {
        shared_futex_wait(state, 0, 20'000'000);
        if (__atomic_load_n(state, __ATOMIC_ACQUIRE) == state_trapped)
            break;
        if (!space.check_alive() || monotonic_ns() > deadline) {
            space.lose("the guest thread never trapped");
            return false;
        }
    }
    return sys.guest_tid > 0 && take_trap_frame(space);
}

SystrapSpace::~SystrapSpace()
{
    if (g_spinning_stub == this)
        g_spinning_stub = nullptr;
}

void systrap_kernel_idles() { withdraw_stub_spin(nullptr); }

bool systrap_is_fast_parked(const AddressSpace& space) { return space.systrap() && space.systrap()->is_fast_parked; }

std::optional<SystrapTrap> systrap_run(AddressSpace& space, UserContext& ctx)
{
    SystrapSpace& sys = *space.systrap();
    const GeneralRegs& in = ctx.regs;
    auto message = frame::frame_direct_bytes(sys.sysmsg);
    // wrfsbase faults on a non-canonical base, and a fault in the handler would kill the
    // process: such a base (which Linux never lets a thread have) loads as 0.
    auto base = [](u64 value) { return value < host_user_top ? value : 0; };
    if (sys.is_fast_parked && !can_return_fast(in) && !park_in_signal_handler(space))
        return std::nullopt;
    if (sys.is_fast_parked) {
        // Back through the fast handoff: the registers as the stub loads them, rcx the return
        // address (can_return_fast checked it is rip).
        u64 r[fast_regs_count] = {in.r15, in.r14, in.r13, in.r12, in.rbp, in.rbx, in.r11, in.r10, in.r9, in.r8, in.rax, in.rcx,
            in.rdx, in.rsi, in.rdi, 0, in.rip, user_cs, (in.eflags & fast_flags_mask) | flags_always, in.rsp};
        std::memcpy(message.data() + fast_regs_offset, r, sizeof r);
        put_u64(message, fs_base_offset, base(in.fs_base));
        put_u64(message, gs_base_offset, base(in.gs_base));
        return take_outcome(resume_and_wait(space, ctx.regs, state_fast_resume), sys, message, ctx.regs);
    }
    // The whole sigcontext is written anew: the guest may have scribbled anywhere in it.
    u64 gregs[Greg::count] = {};
    gregs[r8] = in.r8, gregs[r9] = in.r9, gregs[r10] = in.r10, gregs[r11] = in.r11;
    gregs[r12] = in.r12, gregs[r13] = in.r13, gregs[r14] = in.r14, gregs[r15] = in.r15;
    gregs[rdi] = in.rdi, gregs[rsi] = in.rsi, gregs[rbp] = in.rbp, gregs[rbx] = in.rbx;
    gregs[rdx] = in.rdx, gregs[rax] = in.rax, gregs[rcx] = in.rcx, gregs[rsp] = in.rsp;
    gregs[rip] = in.rip, gregs[eflags] = in.eflags;
    u64 cs = in.cs ? in.cs : 0x33, ss = in.ss ? in.ss : 0x2b;
    gregs[csgsfs] = (cs & 0xffff) | ((ss & 0xffff) << 48);
    u8 sigcontext[256] = {};
    std::memcpy(sigcontext, gregs, sizeof gregs);
    std::memcpy(sigcontext + sizeof gregs, &sys.fpstate_addr, sizeof sys.fpstate_addr);
    copy_altstack(sys, sys.ucontext_addr + uc_gregs_offset, sigcontext, false);
    // The host signal mask the thread returns with: none blocked, so the preemption signal and
    // the faults reach the handler.
    u8 no_signals[8] = {};
    copy_altstack(sys, sys.ucontext_addr + uc_sigmask_offset, no_signals, false);
    put_u64(message, fs_base_offset, base(in.fs_base));
    put_u64(message, gs_base_offset, base(in.gs_base));
    return take_outcome(resume_and_wait(space, ctx.regs, state_resume), sys, message, ctx.regs);
}

namespace {

SystrapTrap take_frame_trap(SystrapSpace& sys, std::span<const u8> message, GeneralRegs& out)
{
    u64 gregs[Greg::count] = {};
    // Copy first, then use: the frame stays guest-writable.
    copy_altstack(sys, sys.ucontext_addr + uc_gregs_offset, {reinterpret_cast<u8*>(gregs), sizeof gregs}, true);
    u8 info[siginfo_bytes];
    copy_altstack(sys, sys.siginfo_addr, info, true);
    out.r8 = gregs[r8], out.r9 = gregs[r9], out.r10 = gregs[r10], out.r11 = gregs[r11];
    out.r12 = gregs[r12], out.r13 = gregs[r13], out.r14 = gregs[r14], out.r15 = gregs[r15];
    out.rdi = gregs[rdi], out.rsi = gregs[rsi], out.rbp = gregs[rbp], out.rbx = gregs[rbx];
    out.rdx = gregs[rdx], out.rax = gregs[rax], out.rcx = gregs[rcx], out.rsp = gregs[rsp];
    out.rip = gregs[rip], out.eflags = gregs[eflags];
    out.cs = gregs[csgsfs] & 0xffff;
    out.orig_rax = ~0ull;
    out.fs_base = get_u64(message, fs_base_offset);
    out.gs_base = get_u64(message, gs_base_offset);

    SystrapTrap trap {};
    i32 head[3];
    std::memcpy(head, info, sizeof head);
    trap.signo = head[0];
    trap.code = head[2];
    trap.addr = get_u64(info, 16);
    std::memcpy(&trap.syscall, info + 24, sizeof trap.syscall);
    std::memcpy(&trap.arch, info + 28, sizeof trap.arch);
    trap.error = gregs[err];
    return trap;
}

} // namespace

void systrap_read_fp(AddressSpace& space, std::vector<u8>& out)
{
    SystrapSpace& sys = *space.systrap();
    out.assign(xstate_bytes(0), 0);
    if (!park_in_signal_handler(space))
        return;
    copy_altstack(sys, sys.fpstate_addr, {out.data(), std::min(out.size(), sys.fpstate_bytes)}, true);
}

void systrap_write_fp(AddressSpace& space, std::span<const u8> image)
{
    SystrapSpace& sys = *space.systrap();
    if (!park_in_signal_handler(space))
        return;
    std::vector<u8> state(std::min(xstate_bytes(0), sys.fpstate_bytes), 0);
    copy_altstack(sys, sys.fpstate_addr, state, true);
    if (state.size() < fxsave_bytes)
        return;
    u8 sw_bytes[fxsave_bytes - fx_sw_bytes_offset];
    std::memcpy(sw_bytes, state.data() + fx_sw_bytes_offset, sizeof sw_bytes);
    if (image.empty()) {
        // The power-on state: FCW 0x37f, MXCSR 0x1f80, everything else initial.
        std::fill(state.begin(), state.end(), u8 {0});
        state[0] = 0x7f;
        state[1] = 0x03;
        state[24] = 0x80;
        state[25] = 0x1f;
        if (state.size() > fxsave_bytes)
            state[fxsave_bytes] = 0x3; // XSTATE_BV: x87 | SSE, so that FCW and MXCSR load
    } else {
        std::copy_n(image.begin(), std::min(image.size(), state.size()), state.begin());
    }
    std::memcpy(state.data() + fx_sw_bytes_offset, sw_bytes, sizeof sw_bytes);
    copy_altstack(sys, sys.fpstate_addr, state, false);
}

} // namespace asterix::frame::arch
