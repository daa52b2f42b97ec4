// The backend's platform hooks on bare metal: the scheduler's timer and idle wait, console
// input readiness, the log, trace and record sinks (all on the serial console), halting.

#include "arch_x86_64/interrupts.h"
#include "arch_x86_64/serial.h"
#include "frame/arch.h"
#include "frame/clock.h"

namespace asterix::frame::arch {

namespace {
u64 g_ticks_taken = 0;

void write_serial(std::string_view text)
{
    for (char c : text)
        arch_x86_64::serial_put(c);
}
} // namespace

void start_timer(u64 period_ns) { arch_x86_64::start_timer(static_cast<u32>(1'000'000'000 / period_ns)); }

bool take_timer_tick()
{
    u64 ticks = arch_x86_64::timer_ticks();
    if (ticks == g_ticks_taken)
        return false;
    g_ticks_taken = ticks;
    return true;
}

bool console_input_ready() { return arch_x86_64::serial_can_read(); }

/// The serial console sends no terminal signals yet (^C arrives as a byte).
u64 take_console_signals() { return 0; }

void idle_wait(u64 deadline_ns, bool watch_input)
{
    // The timer interrupt wakes the CPU at least every tick; the scheduler checks its deadlines
    // and the console (polled: the UART raises no interrupt) then. Interrupts are off between
    // the checks and hlt, and sti takes effect only after hlt starts, so no tick is missed.
    asm volatile("cli");
    bool is_ready = arch_x86_64::timer_ticks() != g_ticks_taken || (watch_input && console_input_ready())
        || (deadline_ns != ~0ull && monotonic_ns() >= deadline_ns);
    if (is_ready)
        asm volatile("sti");
    else
        asm volatile("sti; hlt");
}

void log_write(std::string_view text) { write_serial(text); }
bool open_log_sink(const char*) { return false; }
void trace_sink_write(std::string_view text) { write_serial(text); }
bool open_trace_sink(const char*) { return false; }
void record_sink_write(std::string_view text) { write_serial(text); }
bool open_record_sink(const char*) { return false; }

void halt(int exit_code) { arch_x86_64::power_off(static_cast<u8>(exit_code)); }

void print_panic_state() {}

} // namespace asterix::frame::arch
