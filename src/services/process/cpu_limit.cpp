#include "services/process/cpu_limit.h"

#include "services/abi/resource.h"
#include "services/process/signals.h"

namespace asterix::services {

void check_cpu_limit(Process& process)
{
    constexpr u64 ns_per_second = 1'000'000'000;
    abi::Rlimit limit = process.rlimit(abi::rlimit_cpu);
    // Linux checks nothing while the soft limit is infinite (posix-cpu-timers.c, check_rlimit).
    if (limit.cur == abi::rlim_infinity || process.is_exiting())
        return;
    u64 cpu_ns = process.cpu_times().user_ns + process.cpu_times().system_ns;
    auto reached = [&](u64 seconds) { return seconds < ~0ull / ns_per_second && cpu_ns >= seconds * ns_per_second; };
    if (limit.max != abi::rlim_infinity && reached(limit.max)) {
        send_signal(process, make_signal_info(sigkill, si_kernel));
        return;
    }
    if (reached(limit.cur)) {
        // The soft limit moves on by a second, so that SIGXCPU comes once a second (Linux).
        if (limit.cur < limit.max) {
            ++limit.cur;
            process.set_rlimit(abi::rlimit_cpu, limit);
        }
        send_signal(process, make_signal_info(sigxcpu, si_kernel));
    }
}

} // namespace asterix::services
