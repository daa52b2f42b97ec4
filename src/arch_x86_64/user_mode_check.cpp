// The boot-time check of user mode: a tiny ring-3 program on a VmSpace of its own, serviced by
// the frame's execute_user. It calls getpid, pushes onto a stack page that is not mapped yet
// (the fault handler maps it on demand, as the services' demand paging does), and exits with
// getpid() + 41; a second entry point writes to address 0 and must come back as a page fault.
// Two threads then keep different values in xmm0 across a syscall while the other runs (the
// FPU/SSE state is switched), and a spinning thread must be preempted by the timer.

#include "arch_x86_64/serial.h"
#include "arch_x86_64/user_mode.h"
#include "frame/internal.h"
#include "frame/user_mode.h"
#include "frame/vm_space.h"

namespace asterix::arch_x86_64 {

namespace {

using namespace asterix::frame;

constexpr u64 code_page = 0x40000000000ull;
constexpr u64 stack_top = 0x40000100000ull;
constexpr u64 stack_bottom = stack_top - 16 * page_size;
constexpr u64 fault_entry = code_page + 0x20;
constexpr u64 sse_entry = code_page + 0x40;
constexpr u64 spin_entry = code_page + 0x60;
constexpr u64 pid = 1;

// mov eax, 39 (getpid); syscall; push rax; mov eax, 60 (exit); pop rdi; add rdi, 41; syscall; jmp .
constexpr u8 exit_program[] = {0xb8, 0x27, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x50, 0xb8, 0x3c, 0x00,
    0x00, 0x00, 0x5f, 0x48, 0x83, 0xc7, 0x29, 0x0f, 0x05, 0xeb, 0xfe};
// xor rax, rax; mov byte [rax], 0
constexpr u8 fault_program[] = {0x48, 0x31, 0xc0, 0xc6, 0x00, 0x00};
// movq xmm0, rdi; mov eax, 39; syscall; movq rdi, xmm0; mov eax, 60; syscall
constexpr u8 sse_program[] = {0x66, 0x48, 0x0f, 0x6e, 0xc7, 0xb8, 0x27, 0x00, 0x00, 0x00, 0x0f, 0x05,
    0x66, 0x48, 0x0f, 0x7e, 0xc7, 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05};
// jmp .
constexpr u8 spin_program[] = {0xeb, 0xfe};

/// Demand paging for the stack range only; everything else is a bad address.
FaultOutcome map_stack_on_demand(VmSpace& vm, const PageFault& fault)
{
    if (fault.addr < stack_bottom || fault.addr >= stack_top)
        return FaultOutcome::no_mapping;
    auto frame = Frame::alloc_zeroed();
    if (frame.is_error())
        return FaultOutcome::out_of_memory;
    vm.map(fault.addr & ~(page_size - 1), frame.release_value(), perm_read | perm_write);
    return FaultOutcome::handled;
}

struct Outcome {
    bool is_exit;
    u64 exit_code;
    ReturnReason last;
    u64 syscalls;
    u64 interrupts;
};

/// Runs the thread to its next syscall (serviced: getpid and exit are the only ones) or
/// exception; true when it can go on.
bool step(VmSpace& vm, UserContext& ctx, Outcome& outcome)
{
    do
        outcome.last = execute_user(vm, ctx);
    while (outcome.last.kind == ReturnReason::Kind::interrupted && ++outcome.interrupts);
    if (outcome.last.kind == ReturnReason::Kind::exception)
        return false;
    ++outcome.syscalls;
    switch (ctx.syscall_number()) {
    case 39:
        ctx.set_syscall_return(pid);
        return true;
    case 60:
        outcome.is_exit = true;
        outcome.exit_code = ctx.syscall_args()[0];
        return false;
    default:
        ctx.set_syscall_return(-static_cast<i64>(Errno::enosys));
        return true;
    }
}

/// Runs the thread until exit(2) or an exception.
Outcome run(VmSpace& vm, UserContext& ctx)
{
    Outcome outcome {};
    while (step(vm, ctx, outcome)) {
    }
    return outcome;
}

/// Two threads each keep a value in xmm0 across a getpid during which the other one runs.
bool check_sse_switch(VmSpace& vm)
{
    UserContext first, second;
    first.reset_for_exec(sse_entry, stack_top);
    second.reset_for_exec(sse_entry, stack_top - page_size);
    first.regs.rdi = 7;
    second.regs.rdi = 9;
    Outcome a {}, b {};
    step(vm, first, a);
    step(vm, second, b);
    step(vm, first, a);
    step(vm, second, b);
    bool is_kept = a.is_exit && a.exit_code == 7 && b.is_exit && b.exit_code == 9;
    serial_write("Asterix: user mode: two threads exited with their own xmm0, ");
    serial_write_number(a.exit_code);
    serial_write(" and ");
    serial_write_number(b.exit_code);
    serial_write(is_kept ? " (FPU/SSE state switched)\n" : " (the SSE state leaked)\n");
    return is_kept;
}

/// A thread that never makes a syscall still comes back to the kernel on a timer tick.
bool check_preemption(VmSpace& vm)
{
    UserContext ctx;
    ctx.reset_for_exec(spin_entry, stack_top);
    bool is_preempted = execute_user(vm, ctx).kind == ReturnReason::Kind::interrupted && ctx.regs.rip == spin_entry;
    serial_write(is_preempted ? "Asterix: user mode: a spinning thread was preempted by the timer\n"
                              : "Asterix: user mode: a spinning thread was not preempted\n");
    return is_preempted;
}

} // namespace

bool check_user_mode()
{
    auto created = VmSpace::create();
    if (created.is_error())
        return false;
    auto& vm = *created.value();
    vm.set_fault_handler(map_stack_on_demand);
    auto code = Frame::alloc_zeroed();
    if (code.is_error())
        return false;
    auto bytes = frame_direct_bytes(code.value());
    std::copy(std::begin(exit_program), std::end(exit_program), bytes.begin());
    std::copy(std::begin(fault_program), std::end(fault_program), bytes.begin() + (fault_entry - code_page));
    std::copy(std::begin(sse_program), std::end(sse_program), bytes.begin() + (sse_entry - code_page));
    std::copy(std::begin(spin_program), std::end(spin_program), bytes.begin() + (spin_entry - code_page));
    vm.map(code_page, code.release_value(), perm_read | perm_exec);

    UserContext ctx;
    ctx.reset_for_exec(code_page, stack_top);
    Outcome exited = run(vm, ctx);
    serial_write("Asterix: user mode: ");
    serial_write_number(exited.syscalls);
    serial_write(" syscalls, exit code ");
    serial_write_number(exited.exit_code);
    serial_write(", ");
    serial_write_number(vm.mapped_pages());
    serial_write(" pages mapped (stack on demand)\n");
    if (!exited.is_exit) {
        serial_write("Asterix: user mode: stopped by exception vector ");
        serial_write_number(g_user_exception.vector);
        serial_write(" error code ");
        serial_write_number(g_user_exception.error_code);
        serial_write(" at address ");
        serial_write_number(g_user_exception.address);
        serial_write(", rip ");
        serial_write_number(ctx.regs.rip);
        serial_write("\n");
    }

    ctx.reset_for_exec(fault_entry, stack_top);
    Outcome faulted = run(vm, ctx);
    bool is_fault_reported = !faulted.is_exit && faulted.last.kind == ReturnReason::Kind::exception
        && faulted.last.exception.kind == ExceptionKind::page_fault && faulted.last.exception.addr == 0
        && faulted.last.exception.access == Access::write && faulted.last.exception.fault == FaultOutcome::no_mapping;
    serial_write(is_fault_reported ? "Asterix: user mode: a write to address 0 came back as a page fault\n"
                                   : "Asterix: user mode: the bad write was not reported\n");
    bool is_exit_right = exited.is_exit && exited.exit_code == pid + 41 && exited.syscalls == 2;
    bool is_demand_paged = vm.mapped_pages() == 2;
    bool is_sse_switched = check_sse_switch(vm);
    bool is_preempted = check_preemption(vm);
    return is_exit_right && is_demand_paged && is_fault_reported && is_sse_switched && is_preempted;
}

} // namespace asterix::arch_x86_64
