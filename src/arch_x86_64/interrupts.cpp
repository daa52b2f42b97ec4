#include "arch_x86_64/interrupts.h"

#include "arch_x86_64/cpu.h"
#include "arch_x86_64/serial.h"
#include "arch_x86_64/task_stack.h"
#include "arch_x86_64/user_mode.h"
#include "frame/user_mode.h"

extern "C" const asterix::u64 isr_table[48];

namespace asterix::arch_x86_64 {

namespace {

struct IdtEntry {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attributes;
    u16 offset_middle;
    u32 offset_high;
    u32 zero;
};
static_assert(sizeof(IdtEntry) == 16);


constexpr u16 kernel_code_selector = 0x08;
constexpr u8 interrupt_gate = 0x8e;
constexpr u8 interrupt_gate_user = 0xee; // DPL 3
constexpr u64 breakpoint_vector = 3;
constexpr u64 double_fault_vector = 8;
constexpr u64 page_fault_vector = 14;
constexpr u8 double_fault_ist = 1; // the TSS's IST 1 (cpu.cpp)
constexpr u8 kernel_bug_code = 70;  // the power-off code of a kernel panic
constexpr u64 timer_vector = 32;
constexpr u64 serial_vector = 36; // IRQ 4, COM1
constexpr u64 last_irq_vector = 47;
constexpr u64 first_slave_vector = 40;
constexpr u64 invalid_opcode_vector = 6;

IdtEntry g_idt[256];
volatile u64 g_ticks = 0;
volatile u64 g_invalid_opcodes = 0;

const char* exception_name(u64 vector)
{
    constexpr const char* names[] = {"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
        "invalid opcode", "device not available", "double fault", "coprocessor overrun", "invalid TSS",
        "segment not present", "stack fault", "general protection", "page fault"};
    return vector < sizeof names / sizeof names[0] ? names[vector] : "exception";
}

void write_hex(u64 value)
{
    char digits[19] = "0x";
    for (int i = 0; i < 16; ++i)
        digits[2 + i] = "0123456789abcdef"[(value >> (60 - 4 * i)) & 0xf];
    digits[18] = 0;
    serial_write(digits);
}

} // namespace

void init_interrupts()
{
    for (u64 vector = 0; vector <= last_irq_vector; ++vector) {
        u64 handler = isr_table[vector];
        // A guest may execute int3: its gate admits ring 3 (else int3 raises #GP, not #BP,
        // and the guest would get SIGSEGV instead of Linux's SIGTRAP).
        u8 gate = vector == breakpoint_vector ? interrupt_gate_user : interrupt_gate;
        u8 ist = vector == double_fault_vector ? double_fault_ist : 0;
        g_idt[vector] = {static_cast<u16>(handler), kernel_code_selector, ist, gate,
            static_cast<u16>(handler >> 16), static_cast<u32>(handler >> 32), 0};
    }
    // SAFETY: the IDT is static and lives as long as the kernel.
    DescriptorTablePointer pointer {sizeof g_idt - 1, reinterpret_cast<u64>(&g_idt)};
    asm volatile("lidt %0" ::"m"(pointer));
}

void start_timer(u32 hz)
{
    // PIC: ICW1..ICW4, master at 32, slave at 40, then mask all but IRQ 0.
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xee); // IRQ 0 (timer) and 4 (COM1)
    outb(0xa1, 0xff);
    // PIT channel 0, rate generator.
    u32 divisor = 1193182 / hz;
    outb(0x43, 0x36);
    outb(0x40, static_cast<u8>(divisor));
    outb(0x40, static_cast<u8>(divisor >> 8));
    serial_enable_receive_interrupt();
    asm volatile("sti");
}

u64 timer_ticks() { return g_ticks; }
u64 invalid_opcodes_seen() { return g_invalid_opcodes; }

} // namespace asterix::arch_x86_64

using namespace asterix::arch_x86_64;

extern "C" asterix::frame::GeneralRegs* ax_current_regs;
extern "C" [[noreturn]] void ax_return_to_kernel(asterix::u64 reason);

namespace {

/// An interrupt or exception taken in ring 3: the guest's registers go back to its context and
/// execute_user's caller resumes with the reason (2 exception, 3 interrupt).
[[noreturn]] void leave_user_mode(InterruptFrame* frame, asterix::u64 reason)
{
    auto& regs = *ax_current_regs;
    regs.r15 = frame->r15;
    regs.r14 = frame->r14;
    regs.r13 = frame->r13;
    regs.r12 = frame->r12;
    regs.r11 = frame->r11;
    regs.r10 = frame->r10;
    regs.r9 = frame->r9;
    regs.r8 = frame->r8;
    regs.rbp = frame->rbp;
    regs.rdi = frame->rdi;
    regs.rsi = frame->rsi;
    regs.rdx = frame->rdx;
    regs.rcx = frame->rcx;
    regs.rbx = frame->rbx;
    regs.rax = frame->rax;
    regs.orig_rax = ~0ull;
    regs.rip = frame->rip;
    regs.eflags = frame->rflags;
    regs.rsp = frame->rsp;
    ax_return_to_kernel(reason);
}

} // namespace

extern "C" void interrupt_dispatch(InterruptFrame* frame)
{
    bool is_from_user = (frame->cs & 3) == 3;
    if (frame->vector == timer_vector) {
        g_ticks = g_ticks + 1;
        outb(0x20, 0x20); // end of interrupt
        if (is_from_user)
            leave_user_mode(frame, 3);
        return;
    }
    if (frame->vector > timer_vector && frame->vector <= last_irq_vector) {
        // Serial input is only buffered here; the console takes it at the next tick or wakeup.
        if (frame->vector == serial_vector)
            serial_receive_interrupt();
        if (frame->vector >= first_slave_vector)
            outb(0xa0, 0x20);
        outb(0x20, 0x20);
        return;
    }
    if (is_from_user) {
        asterix::u64 fault_address;
        asm volatile("mov %%cr2, %0" : "=r"(fault_address));
        g_user_exception = {frame->vector, frame->error_code, fault_address};
        leave_user_mode(frame, 2);
    }
    if (frame->vector == invalid_opcode_vector && *reinterpret_cast<const asterix::u16*>(frame->rip) == 0x0b0f) {
        // SAFETY: rip points at kernel text; ud2 is two bytes (0f 0b), stepped over.
        g_invalid_opcodes = g_invalid_opcodes + 1;
        frame->rip += 2;
        return;
    }
    asterix::u64 cr2;
    asm volatile("mov %%cr2, %0" : "=r"(cr2));
    if ((frame->vector == double_fault_vector || frame->vector == page_fault_vector) && is_task_stack_guard(cr2))
        serial_write("Asterix: kernel stack overflow: a task ran into the guard page below its stack\n");
    serial_write("Asterix: kernel ");
    serial_write(exception_name(frame->vector));
    serial_write(" at rip ");
    write_hex(frame->rip);
    serial_write(", error ");
    write_hex(frame->error_code);
    serial_write(", cr2 ");
    write_hex(cr2);
    serial_write("\n");
    power_off(kernel_bug_code);
}
