// The backend's platform hooks on bare metal: the scheduler's timer and idle wait, the log,
// trace and record sinks (all on the serial console), halting.

#include "arch_x86_64/interrupts.h"
#include "arch_x86_64/serial.h"
#include "frame/arch.h"
#include "frame/clock.h"
#include "frame/patch_table.h"

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

void idle_wait(u64 deadline_ns, bool)
{
    // The timer interrupt wakes the CPU at least every tick, the serial port's on input; the
    // scheduler then checks its deadlines and hands input to the services' input hook, which
    // takes every byte, read or not (echo, ^C). Interrupts are off between the checks and hlt,
    // and sti takes effect only after hlt starts, so no wakeup is missed.
    asm volatile("cli");
    bool is_ready = arch_x86_64::timer_ticks() != g_ticks_taken || arch_x86_64::serial_can_read()
        || (deadline_ns != ~0ull && monotonic_ns() >= deadline_ns);
    if (is_ready)
        asm volatile("sti");
    else
        asm volatile("sti; hlt");
}

// No network device yet (virtio-net is later work): the services run with loopback only.
bool net_is_present() { return false; }
std::array<u8, 6> net_mac_address() { return {}; }
usize net_mtu_bytes() { return 0; }
Result<void> net_send(std::span<const u8>) { return Errno::enodev; }
bool net_receive(std::vector<u8>&) { return false; }
bool net_input_ready() { return false; }

void log_write(std::string_view text) { write_serial(text); }
void report_write(std::string_view text) { write_serial(text); }
bool open_log_sink(const char*) { return false; }
void trace_sink_write(std::string_view text) { write_serial(text); }
bool open_trace_sink(const char*) { return false; }
void trace_sink_write_process(i32, std::string_view text) { write_serial(text); }
void set_trace_per_process(bool) {}
void record_sink_write(std::string_view text) { write_serial(text); }
bool open_record_sink(const char*) { return false; }

void halt(int exit_code) { arch_x86_64::power_off(static_cast<u8>(exit_code)); }

void print_panic_state() {}

} // namespace asterix::frame::arch

namespace asterix::frame {

// Bare metal runs syscalls through its own entry point; nothing is patched.
std::optional<PatchTablePages> patch_table_pages() { return std::nullopt; }

} // namespace asterix::frame
