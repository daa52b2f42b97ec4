#include "frame/log.h"

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>
#include <deque>
#include <string>
#include <utility>

#include "frame/arch.h"
#include "frame/assert.h"
#include "frame/clock.h"
#include "frame/task.h"

namespace asterix::frame {

namespace {

constexpr usize subsystem_count = static_cast<usize>(Subsystem::count);
constexpr const char* subsystem_names[subsystem_count] = {"kernel", "vm", "fs", "proc", "signal", "syscall", "sched"};
constexpr const char* level_names[] = {"error", "warn", "info", "debug", "trace"};

std::array<LogLevel, subsystem_count> g_levels = [] {
    std::array<LogLevel, subsystem_count> levels;
    levels.fill(LogLevel::warn);
    return levels;
}();
void (*g_identity_hook)(i32&, i32&) = nullptr;
u64 g_start_ns = monotonic_ns();

bool parse_level(std::string_view text, LogLevel& level)
{
    for (usize i = 0; i < std::size(level_names); ++i) {
        if (text == level_names[i]) {
            level = static_cast<LogLevel>(i);
            return true;
        }
    }
    return false;
}

/// A token bucket per subsystem for the lines a guest can cause (error, warn, info): a burst
/// of them passes, then about ten a second, and the rest are counted and reported by the next
/// line that passes. Debug and trace lines are asked for on the command line and all pass.
constexpr u64 log_burst = 50;
constexpr u64 log_lines_per_second = 10;
struct LogBucket {
    u64 tokens_milli {log_burst * 1000};
    u64 refilled_ns {0};
    u64 suppressed {0};
};
std::array<LogBucket, subsystem_count> g_buckets {};

/// Whether a line may pass now; `suppressed` gets the count of lines dropped before it.
bool take_log_token(Subsystem subsystem, u64 now_ns, u64& suppressed)
{
    LogBucket& bucket = g_buckets[static_cast<usize>(subsystem)];
    u64 elapsed_ns = now_ns - bucket.refilled_ns;
    // Milli-tokens: one line is 1000. The clock of the refill moves only when it earned
    // something, so frequent calls do not lose the fractions.
    u64 earned = elapsed_ns >= 1'000'000'000 * log_burst ? log_burst * 1000 : elapsed_ns * log_lines_per_second / 1'000'000;
    if (earned > 0)
        bucket.refilled_ns = now_ns;
    bucket.tokens_milli = std::min(bucket.tokens_milli + earned, log_burst * 1000);
    if (bucket.tokens_milli < 1000) {
        ++bucket.suppressed;
        return false;
    }
    bucket.tokens_milli -= 1000;
    suppressed = std::exchange(bucket.suppressed, 0);
    return true;
}

void write_suppressed_note(Subsystem subsystem, u64 suppressed)
{
    char note[128];
    int len = std::snprintf(note, sizeof note, "asterix: %s: %llu messages suppressed\n",
        subsystem_names[static_cast<usize>(subsystem)], static_cast<unsigned long long>(suppressed));
    if (len > 0)
        arch::log_write({note, std::min<usize>(static_cast<usize>(len), sizeof note - 1)});
}

/// The kernel's own log lines, oldest first, bounded by their text's bytes (Linux's log_buf,
/// 128 KiB as with CONFIG_LOG_BUF_SHIFT=17).
constexpr usize kernel_log_bytes = 128 * 1024;
struct KernelLogRing {
    std::deque<KernelLogLine> lines;
    usize text_bytes {0};
    u64 next_seq {0};
};
KernelLogRing& kernel_log_ring()
{
    static KernelLogRing ring;
    return ring;
}

void vlog(Subsystem subsystem, LogLevel level, const char* fmt, va_list args)
{
    u64 suppressed = 0;
    if (level <= LogLevel::info && !take_log_token(subsystem, monotonic_ns(), suppressed))
        return;
    if (suppressed > 0 && log_enabled(subsystem, level))
        write_suppressed_note(subsystem, suppressed);
    i32 pid = 0, tid = 0;
    if (g_identity_hook)
        g_identity_hook(pid, tid);
    u64 ns = monotonic_ns() - g_start_ns;
    char line[1024];
    int prefix = std::snprintf(line, sizeof line, "asterix: [%5llu.%06llu] %d/%d %s: ",
        static_cast<unsigned long long>(ns / 1'000'000'000), static_cast<unsigned long long>(ns % 1'000'000'000 / 1000),
        pid, tid, subsystem_names[static_cast<usize>(subsystem)]);
    int body = std::vsnprintf(line + prefix, sizeof line - prefix - 1, fmt, args);
    usize len = prefix + (body < 0 ? 0 : std::min<usize>(body, sizeof line - prefix - 2));
    if (level <= LogLevel::info) {
        // The ring keeps the subsystem's name but not the sink's "asterix: [time] pid/tid"
        // prefix: dmesg prints its own time, and a line may come from no guest thread.
        std::string text;
        if (subsystem != Subsystem::kernel)
            text = std::string(subsystem_names[static_cast<usize>(subsystem)]) + ": ";
        text.append(line + prefix, len - prefix);
        kernel_log_append(level, text);
    }
    if (!log_enabled(subsystem, level))
        return;
    line[len++] = '\n';
    arch::log_write({line, len});
}

/// Whether a klog line goes anywhere: to the sink, or (info and above) to the ring.
bool is_logged(Subsystem subsystem, LogLevel level) { return level <= LogLevel::info || log_enabled(subsystem, level); }

} // namespace

void kernel_log_append(LogLevel level, std::string_view text)
{
    KernelLogRing& ring = kernel_log_ring();
    // A line longer than the ring would empty it for nothing; Linux truncates such records too.
    text = text.substr(0, std::min<usize>(text.size(), 1024));
    while (!ring.lines.empty() && ring.text_bytes + text.size() > kernel_log_bytes) {
        ring.text_bytes -= ring.lines.front().text.size();
        ring.lines.pop_front();
    }
    ring.lines.push_back({ring.next_seq++, level, monotonic_ns() - g_start_ns, std::string(text)});
    ring.text_bytes += text.size();
    kernel_log_waiters().wake_all();
}

usize kernel_log_capacity_bytes() { return kernel_log_bytes; }

u64 kernel_log_first_seq()
{
    KernelLogRing& ring = kernel_log_ring();
    return ring.lines.empty() ? ring.next_seq : ring.lines.front().seq;
}

u64 kernel_log_next_seq() { return kernel_log_ring().next_seq; }

std::optional<KernelLogLine> kernel_log_line(u64 seq)
{
    KernelLogRing& ring = kernel_log_ring();
    if (ring.lines.empty() || seq < ring.lines.front().seq || seq >= ring.next_seq)
        return std::nullopt;
    return ring.lines[seq - ring.lines.front().seq];
}

WaitQueue& kernel_log_waiters()
{
    // Never destroyed: a task may still wait in it at power-off.
    static WaitQueue* waiters = new WaitQueue();
    return *waiters;
}

void flush_suppressed_log()
{
    for (usize i = 0; i < subsystem_count; ++i) {
        if (u64 suppressed = std::exchange(g_buckets[i].suppressed, 0))
            write_suppressed_note(static_cast<Subsystem>(i), suppressed);
    }
}

bool set_log_spec(std::string_view spec)
{
    auto levels = g_levels;
    while (!spec.empty()) {
        auto comma = spec.find(',');
        std::string_view item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view {} : spec.substr(comma + 1);
        auto colon = item.find(':');
        LogLevel level;
        if (colon == std::string_view::npos) {
            if (!parse_level(item, level))
                return false;
            levels.fill(level);
            continue;
        }
        std::string_view name = item.substr(0, colon);
        if (!parse_level(item.substr(colon + 1), level))
            return false;
        auto it = std::find(std::begin(subsystem_names), std::end(subsystem_names), name);
        if (it == std::end(subsystem_names))
            return false;
        levels[static_cast<usize>(it - std::begin(subsystem_names))] = level;
    }
    g_levels = levels;
    return true;
}

bool set_log_file(const char* path) { return arch::open_log_sink(path); }

bool log_enabled(Subsystem subsystem, LogLevel level) { return level <= g_levels[static_cast<usize>(subsystem)]; }

void set_log_identity_hook(void (*hook)(i32& pid, i32& tid)) { g_identity_hook = hook; }

void klog(Subsystem subsystem, LogLevel level, const char* fmt, ...)
{
    if (!is_logged(subsystem, level))
        return;
    va_list args;
    va_start(args, fmt);
    vlog(subsystem, level, fmt, args);
    va_end(args);
}

void klog(LogLevel level, const char* fmt, ...)
{
    if (!is_logged(Subsystem::kernel, level))
        return;
    va_list args;
    va_start(args, fmt);
    vlog(Subsystem::kernel, level, fmt, args);
    va_end(args);
}

void report(const char* fmt, ...)
{
    char line[1024];
    int prefix = std::snprintf(line, sizeof line, "asterix: ");
    va_list args;
    va_start(args, fmt);
    int body = std::vsnprintf(line + prefix, sizeof line - prefix - 1, fmt, args);
    va_end(args);
    usize len = prefix + (body < 0 ? 0 : std::min<usize>(body, sizeof line - prefix - 2));
    line[len++] = '\n';
    arch::report_write({line, len});
}

void trace_write(std::string_view text) { arch::trace_sink_write(text); }
void trace_write_process(i32 pid, std::string_view text) { arch::trace_sink_write_process(pid, text); }
void set_trace_per_process(bool is_on) { arch::set_trace_per_process(is_on); }
bool set_record_file(const char* path) { return arch::open_record_sink(path); }
void record_write(std::string_view text) { arch::record_sink_write(text); }
bool set_trace_file(const char* path) { return arch::open_trace_sink(path); }

void panic(const char* fmt, ...)
{
    char line[1024];
    int prefix = std::snprintf(line, sizeof line, "asterix: kernel panic: ");
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(line + prefix, sizeof line - prefix - 1, fmt, args);
    va_end(args);
    arch::log_write(line);
    arch::log_write("\n");
    arch::print_panic_state();
    arch::halt(70);
}

} // namespace asterix::frame
