#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "frame/types.h"

namespace asterix::frame {

enum class LogLevel : u8 { error, warn, info, debug, trace };

/// Where a log line comes from; each has its own level (`--log=vm:trace,fs:info`).
enum class Subsystem : u8 { kernel, vm, fs, proc, signal, syscall, sched, count };

/// Parses a log specification: a level for everything ("debug"), per-subsystem levels
/// ("vm:trace,fs:info"), or both ("warn,proc:debug"). False when it names an unknown
/// level or subsystem (nothing changes then).
bool set_log_spec(std::string_view spec);
/// Sends the kernel log to a file instead of stderr; false when it cannot be opened.
bool set_log_file(const char* path);
bool log_enabled(Subsystem subsystem, LogLevel level);

/// Prints one kernel log line when the subsystem's level allows it:
/// "asterix: [   0.012345] 1/1 fs: message" (monotonic seconds since boot, guest pid/tid).
void klog(Subsystem subsystem, LogLevel level, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
/// The same for the kernel subsystem.
void klog(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/// Tells the user why the instance cannot run as asked ("asterix: /x: program not found"):
/// one line, without the log's time and task prefix, shown whatever the log levels are.
void report(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/// Services tell the log which guest thread the current task runs (pid, tid), for the prefix.
void set_log_identity_hook(void (*hook)(i32& pid, i32& tid));

/// Sends syscall-trace text to the trace sink chosen on the command line (stderr or a file).
void trace_write(std::string_view text);
/// Trace text of one guest process: to the trace sink, or with --strace-ff to the process's own
/// file (the trace file's name and ".PID").
void trace_write_process(i32 pid, std::string_view text);
/// --strace-ff: one trace file per process; call before set_trace_file.
void set_trace_per_process(bool is_on);
/// Points the trace sink at a file; returns false when it cannot be opened.
bool set_trace_file(const char* path);
/// The record sink (--record-syscalls): a file for the compact syscall record.
bool set_record_file(const char* path);
void record_write(std::string_view text);

/// One line of the kernel's own log, the ring that syslog(2) and dmesg read.
struct KernelLogLine {
    u64 seq;
    LogLevel level;
    u64 time_ns; ///< monotonic nanoseconds since boot
    std::string text; ///< without a trailing newline
};
/// Adds a line to the kernel log ring only, not to the log sink: Linux's printk of a line
/// below the console level. Every klog line of level info or above goes to the ring too.
void kernel_log_append(LogLevel level, std::string_view text);
/// Bytes of text the ring holds at most; the oldest lines go first when it is full.
usize kernel_log_capacity_bytes();
/// Sequence number of the oldest line the ring still holds.
u64 kernel_log_first_seq();
/// Sequence number the next line will get (first == next: the ring is empty).
u64 kernel_log_next_seq();
/// A copy of line `seq`, or nothing when it has left the ring or has not come yet.
std::optional<KernelLogLine> kernel_log_line(u64 seq);
class WaitQueue;
/// Woken whenever a line enters the ring (a blocking syslog read waits here).
WaitQueue& kernel_log_waiters();

/// Reports the lines the rate limit dropped since the last one that passed (at power-off).
void flush_suppressed_log();

} // namespace asterix::frame
