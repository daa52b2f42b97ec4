#pragma once

#include "frame/types.h"

namespace asterix::arch_x86_64 {

/// The registers interrupts.S saves, then the vector, error code and the CPU's iret frame.
struct InterruptFrame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector, error_code;
    u64 rip, cs, rflags, rsp, ss;
};

/// Loads the IDT: exceptions 0-31 and the PIC's IRQs at vectors 32-47.
void init_interrupts();
/// Remaps the PICs (IRQ 0-15 to vectors 32-47; the timer and COM1 unmasked), starts the PIT
/// and the serial port's receive interrupt.
void start_timer(u32 hz);
u64 timer_ticks();
/// Invalid-opcode exceptions (ud2) in the kernel handled so far (the boot self-test).
u64 invalid_opcodes_seen();

} // namespace asterix::arch_x86_64
