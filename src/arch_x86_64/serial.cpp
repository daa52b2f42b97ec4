#include "arch_x86_64/serial.h"

namespace asterix::arch_x86_64 {

namespace {
constexpr u16 com1 = 0x3f8;
constexpr u16 debug_exit_port = 0xf4;
constexpr u8 line_data_ready = 0x01;
constexpr u8 line_transmit_empty = 0x20;
} // namespace

void serial_init()
{
    outb(com1 + 1, 0x00); // no interrupts
    outb(com1 + 3, 0x80); // DLAB: set the divisor
    outb(com1 + 0, 0x01); // 115200 baud
    outb(com1 + 1, 0x00);
    outb(com1 + 3, 0x03); // 8 bits, no parity, one stop bit
    outb(com1 + 2, 0xc7); // FIFO on, cleared, 14-byte threshold
    outb(com1 + 4, 0x03); // DTR, RTS
}

void serial_put(char c)
{
    if (c == '\n')
        serial_put('\r'); // as a terminal's ONLCR would
    while (!(inb(com1 + 5) & line_transmit_empty)) {
    }
    outb(com1, static_cast<u8>(c));
}

void serial_write(const char* text)
{
    for (; *text; ++text)
        serial_put(*text);
}

bool serial_can_read() { return inb(com1 + 5) & line_data_ready; }

u8 serial_read_byte() { return inb(com1); }

void serial_write_number(u64 value)
{
    char digits[21];
    int at = 20;
    digits[at] = 0;
    do {
        digits[--at] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value);
    serial_write(digits + at);
}

void power_off(u8 code)
{
    outb(debug_exit_port, code);
    for (;;)
        asm volatile("cli; hlt");
}

} // namespace asterix::arch_x86_64
