#pragma once

// The backend interface: what src/host_arch (and later src/arch_x86_64) implement for the
// frame. CMake links exactly one backend. Services never include this header.

#include <array>
#include <concepts>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "frame/result.h"
#include "frame/types.h"
#include "frame/user_mode.h"

namespace asterix::frame::arch {

// Physical memory: the whole of it mapped in the kernel (the direct map).
std::span<u8> init_phys_mem(u64 bytes);
/// Whether memory the allocator has never handed out reads as zero (a fresh memfd does; RAM
/// after a boot does not).
bool is_fresh_memory_zeroed();

// Address spaces. The backend's AddressSpace mirrors the software page table; these queue
// changes, and flush() makes them take effect before the guest runs again.
Result<AddressSpacePtr> create_address_space();
void tlb_map(AddressSpace& space, u64 va, u64 pfn, u64 pages, u8 perms);
void tlb_unmap(AddressSpace& space, u64 va, u64 len);
void tlb_protect(AddressSpace& space, u64 va, u64 len, u8 perms);
/// Whether the backend can take `changes` more tlb_* calls. A host limits the mappings of a
/// process (vm.max_map_count); when this is false, the frame calls tlb_unmap_all and lets the
/// pages fault back in, since the backend's mappings are only a cache of the page table.
bool tlb_has_room(AddressSpace& space, usize changes);
/// Drops every user mapping of the backend (a change that can never fail).
void tlb_unmap_all(AddressSpace& space);
/// Between these two, the changes that take access away (tlb_unmap, tlb_protect) wait and
/// take effect together at tlb_end_batch, where a backend would otherwise apply each at once:
/// a step that changes many ranges (fork's copy-on-write) pays one round trip. They nest.
void tlb_begin_batch(AddressSpace& space);
void tlb_end_batch(AddressSpace& space);

template<typename T>
concept ArchAddressSpace = requires(T& space) {
    { space.flush() } -> std::same_as<void>;
    { space.is_alive() } -> std::same_as<bool>;
};

// Kernel task contexts: a stack and a saved context, switched by the scheduler.
using TaskEntry = void (*)(void* arg);
void* make_task_context(void* stack_base, usize stack_bytes, TaskEntry entry);
/// Switches from the running context to `to`, passing `arg`; stores where we were in `*from`.
void* switch_task_context(void** from, void* to, void* arg);
void* alloc_task_stack(usize bytes);
/// Whether `count` stacks of `bytes` could be allocated now.
bool can_alloc_task_stacks(usize count, usize bytes);
void free_task_stack(void* stack, usize bytes);

// Interrupts and idle.
void start_timer(u64 period_ns);
/// True once per timer tick since the last call.
bool take_timer_tick();
/// Sleeps until `deadline_ns` (monotonic), a timer tick, or console input when `watch_input`.
void idle_wait(u64 deadline_ns, bool watch_input);
bool console_input_ready();

// The network device (frame/net_device.h). A backend without one says so in net_is_present();
// idle_wait also wakes when frames arrive, and an arriving frame interrupts a running guest.
bool net_is_present();
std::array<u8, 6> net_mac_address();
usize net_mtu_bytes();
Result<void> net_send(std::span<const u8> frame);
bool net_receive(std::vector<u8>& frame);
/// Whether received bytes wait on the device (a frame, or part of one).
bool net_input_ready();
/// Terminal signals the host sent asterix (SIGINT, SIGQUIT, SIGTSTP, SIGWINCH) since the last
/// call, as a bit mask by signal number.
u64 take_console_signals();
/// Signals a host process sent asterix with kill(2) or sigqueue(3) (SIGTERM, SIGINT, SIGHUP,
/// SIGQUIT, SIGUSR1, SIGUSR2) since the last call, as a bit mask by number: meant for the
/// program, as docker forwards them to a container's first process.
u64 take_forwarded_signals();
/// Whether a forwarded SIGTERM came more than the stop timeout ago (the instance must end).
bool is_stop_deadline_passed();

// Time. The frame's clock (frame/timekeeping.cpp) counts the TSC where the backend allows it,
// kept in step with the backend's reference clock; elsewhere it is that reference clock.
/// The reference time: the host's clocks, or on bare metal the calibrated TSC and the RTC.
struct ReferenceTime {
    u64 monotonic_ns;
    u64 realtime_ns;
    /// CLOCK_TAI minus CLOCK_REALTIME (whole seconds, in ns).
    i64 tai_offset_ns;
};
ReferenceTime read_reference_time();
/// Whether guests and the kernel may take the TSC as their clock: the host's own clocksource is
/// the TSC (hosted) or the CPU says the TSC is invariant (bare metal).
bool is_tsc_clock();
/// Whether the CPU has rdtscp (how the vDSO then reads the TSC).
bool has_rdtscp();
/// The TSC, read only after the loads before it have completed.
u64 read_tsc_ordered();

// Output of the kernel log and the syscall trace.
void log_write(std::string_view text);
/// A message for the user (hosted: stderr, whatever --log-file says; bare metal: the console).
void report_write(std::string_view text);
bool open_log_sink(const char* path);
void trace_sink_write(std::string_view text);
bool open_trace_sink(const char* path);
/// --strace-ff: trace text of one guest process, to PATH.PID next to the trace file.
void trace_sink_write_process(i32 pid, std::string_view text);
void set_trace_per_process(bool is_on);
void record_sink_write(std::string_view text);
bool open_record_sink(const char* path);

[[noreturn]] void halt(int exit_code);
/// After a panic message: the kernel backtrace (symbolized), the current task, and the guest
/// thread's registers when one was running.
void print_panic_state();

} // namespace asterix::frame::arch
