#pragma once

#include <string_view>

#include "frame/types.h"

namespace asterix::frame {

enum class LogLevel : u8 { error, warn, info, debug, trace };

/// Sets the most verbose level that is printed (default: warn).
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);

/// Prints one kernel log line ("asterix: ...") to the host's stderr when the level is enabled.
void klog(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/// Sends syscall-trace text to the trace sink chosen on the command line (stderr or a file).
void trace_write(std::string_view text);
/// Points the trace sink at a file; returns false when it cannot be opened.
bool set_trace_file(const char* path);

} // namespace asterix::frame
