#include "frame/log.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "frame/arch.h"
#include "frame/assert.h"
#include "frame/task.h"

namespace asterix::frame {

namespace {
LogLevel g_log_level = LogLevel::warn;
}

void set_log_level(LogLevel level) { g_log_level = level; }
bool log_enabled(LogLevel level) { return level <= g_log_level; }

void klog(LogLevel level, const char* fmt, ...)
{
    if (!log_enabled(level))
        return;
    char line[1024];
    int prefix = std::snprintf(line, sizeof line, "asterix: ");
    va_list args;
    va_start(args, fmt);
    int body = std::vsnprintf(line + prefix, sizeof line - prefix - 1, fmt, args);
    va_end(args);
    usize len = prefix + (body < 0 ? 0 : std::min<usize>(body, sizeof line - prefix - 2));
    line[len++] = '\n';
    arch::log_write({line, len});
}

void trace_write(std::string_view text) { arch::trace_sink_write(text); }
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
    arch::print_backtrace();
    arch::halt(70);
}

} // namespace asterix::frame
