#include "frame/boot.h"

#include "frame/arch.h"
#include "frame/internal.h"
#include "frame/log.h"
#include "frame/phys_mem.h"

namespace asterix::frame {

namespace {
bool g_is_powering_off = false;
int g_exit_code = 0;
constexpr u64 timer_period_ns = 10'000'000;
} // namespace

int boot(const BootParams& params, ServicesEntry entry)
{
    if (total_frames() == 0) // the bare-metal backend's boot checks may have brought it up
        init_phys_mem(params.mem_bytes);
    init_clock();
    arch::start_timer(timer_period_ns);
    spawn_task("init", [&params, entry] { entry(params); });
    run_scheduler();
    flush_suppressed_log();
    return g_exit_code;
}

void power_off(int exit_code)
{
    g_exit_code = exit_code;
    g_is_powering_off = true;
}

bool is_powering_off() { return g_is_powering_off; }

WaitQueue& console_input_waiters()
{
    static WaitQueue* queue = new WaitQueue();
    return *queue;
}

} // namespace asterix::frame
