// Host odds and ends: clocks, randomness, errno mapping, CPU pinning, log output, halting.

#include <execinfo.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "frame/arch.h"
#include "frame/clock.h"
#include "frame/cpu.h"
#include "host_arch/host.h"

namespace asterix {

namespace {
int g_trace_fd = 2;

void write_all(int fd, std::string_view text)
{
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text.remove_prefix(static_cast<usize>(n));
    }
}

u64 clock_ns(clockid_t clock)
{
    timespec ts {};
    clock_gettime(clock, &ts);
    return static_cast<u64>(ts.tv_sec) * 1'000'000'000ull + static_cast<u64>(ts.tv_nsec);
}
} // namespace

u64 frame::monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }
u64 frame::realtime_ns() { return clock_ns(CLOCK_REALTIME); }

void frame::random_bytes(std::span<u8> out)
{
    usize done = 0;
    while (done < out.size()) {
        ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
        if (n > 0)
            done += static_cast<usize>(n);
        else if (errno != EINTR)
            panic("getrandom failed");
    }
}

u64 frame::cpu_hwcap() { return getauxval(AT_HWCAP); }
u64 frame::cpu_hwcap2() { return getauxval(AT_HWCAP2); }

Errno host::errno_from_host(int host_errno)
{
    // The host is Linux x86-64 too, so the numbers agree; only known values pass through.
    if (host_errno > 0 && host_errno < 134)
        return static_cast<Errno>(host_errno);
    return Errno::eio;
}

void host::pin_to_current_cpu()
{
    int cpu = sched_getcpu();
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

void frame::arch::log_write(std::string_view text) { write_all(2, text); }
void frame::arch::trace_sink_write(std::string_view text) { write_all(g_trace_fd, text); }

bool frame::arch::open_trace_sink(const char* path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    g_trace_fd = fd;
    return true;
}

void frame::arch::halt(int exit_code) { _exit(exit_code); }

void frame::arch::print_backtrace()
{
    void* frames[64];
    int count = backtrace(frames, 64);
    backtrace_symbols_fd(frames, count, 2);
}

} // namespace asterix
