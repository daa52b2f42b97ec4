#pragma once

#include "frame/types.h"

namespace asterix::arch_x86_64 {

/// Port I/O.
inline void outb(u16 port, u8 value) { asm volatile("outb %0, %1" ::"a"(value), "Nd"(port)); }
inline u8 inb(u16 port)
{
    u8 value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

/// COM1, 115200 8N1: the bare-metal console. Output is polled; input is buffered by the
/// receive interrupt (IRQ 4), enabled once the PICs are remapped.
void serial_init();
void serial_enable_receive_interrupt();
/// The IRQ 4 handler: moves received bytes into the buffer.
void serial_receive_interrupt();
/// One byte out as it is.
void serial_send(u8 byte);
/// One byte of kernel text out; '\n' goes out as "\r\n".
void serial_put(char c);
void serial_write(const char* text);
/// Whether a received byte is waiting, and taking it (only after serial_can_read said so).
bool serial_can_read();
u8 serial_read_byte();
void serial_write_number(u64 value);

/// Powers QEMU off through its isa-debug-exit device (port 0xf4): QEMU exits with
/// (code << 1) | 1. Halts when the device is not there.
[[noreturn]] void power_off(u8 code);

} // namespace asterix::arch_x86_64
