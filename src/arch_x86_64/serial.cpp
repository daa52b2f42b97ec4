#include "arch_x86_64/serial.h"

namespace asterix::arch_x86_64 {

namespace {
constexpr u16 com1 = 0x3f8;
constexpr u16 debug_exit_port = 0xf4;
constexpr u8 line_data_ready = 0x01;
constexpr u8 line_transmit_empty = 0x20;
constexpr u8 ier_received_data = 0x01;
constexpr u8 mcr_dtr_rts_out2 = 0x0b; // OUT2 gates the UART's interrupt line to the PIC

// Received bytes, from the interrupt handler (the producer, head) to the console (the
// consumer, tail). One CPU: the handler runs with interrupts off, and the consumer's own
// draining (serial_can_read) does too, so there is one producer at a time.
constexpr usize receive_capacity = 4096;
volatile u8 g_received[receive_capacity];
volatile usize g_received_head = 0;
volatile usize g_received_tail = 0;

/// Moves what the UART holds into the buffer (dropping bytes when it is full). Interrupts off.
void drain_uart()
{
    while (inb(com1 + 5) & line_data_ready) {
        u8 byte = inb(com1);
        usize next = (g_received_head + 1) % receive_capacity;
        if (next == g_received_tail)
            continue;
        g_received[g_received_head] = byte;
        g_received_head = next;
    }
}
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

void serial_enable_receive_interrupt()
{
    outb(com1 + 4, mcr_dtr_rts_out2);
    outb(com1 + 1, ier_received_data);
}

void serial_receive_interrupt() { drain_uart(); }

void serial_send(u8 byte)
{
    while (!(inb(com1 + 5) & line_transmit_empty)) {
    }
    outb(com1, byte);
}

void serial_put(char c)
{
    if (c == '\n')
        serial_send('\r'); // as a terminal's ONLCR would
    serial_send(static_cast<u8>(c));
}

void serial_write(const char* text)
{
    for (; *text; ++text)
        serial_put(*text);
}

bool serial_can_read()
{
    // Drains the UART here too, so that a lost or not yet enabled interrupt loses no byte.
    u64 flags;
    asm volatile("pushfq; pop %0; cli" : "=r"(flags)::"memory");
    drain_uart();
    bool has_byte = g_received_head != g_received_tail;
    if (flags & 0x200)
        asm volatile("sti" ::: "memory");
    return has_byte;
}

u8 serial_read_byte()
{
    usize tail = g_received_tail;
    u8 byte = g_received[tail];
    g_received_tail = (tail + 1) % receive_capacity;
    return byte;
}

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
