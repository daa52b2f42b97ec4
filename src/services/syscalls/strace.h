#pragma once

#include <string>
#include <vector>

#include "services/abi/signal.h"
#include "services/syscalls/syscall_table.h"

namespace asterix::services {

/// Sets --strace up: on or off, which syscalls (names and classes: file, process, memory,
/// signal, desc), timestamps. False (with the offending word) for an unknown name.
bool configure_strace(bool is_on, const std::string& filter, bool is_timed, bool is_recording, std::string& bad_word);
bool is_strace_on();
/// --strace-summary (strace -c): count calls, errors and time per syscall instead of printing
/// each; report_strace_summary() prints the table at the instance's end.
void set_strace_summary(bool is_on);
void report_strace_summary();
/// strace's -s: how many bytes of each string or buffer a line shows (path names are whole).
void set_strace_string_limit(usize bytes);
bool is_recording_syscalls();

/// Records one syscall of process `pid`: "tid name(args) = result", with every guest address
/// shown as "*". A process's lines reach the record sink together, under "# pid N", when it
/// ends (flush_process_record) or at the instance's end (flush_all_records).
void record_syscall(i32 pid, i32 tid, u64 number, const SyscallEntry* entry, const SyscallArgs& args, long result);
void flush_process_record(i32 pid);
void flush_all_records();

/// The arguments a syscall reads (strings, input buffers), rendered before it runs: after it, the
/// memory may be gone (execve) or changed.
std::array<std::string, 6> trace_inputs(Context& ctx, u64 number, const SyscallEntry* entry, const SyscallArgs& args);
/// Prints one completed syscall in strace's format ("[pid N] name(args) = result").
void trace_syscall(Context& ctx, u64 number, const SyscallEntry* entry, const SyscallArgs& args,
    const std::array<std::string, 6>& inputs, long result);

/// Prints the execve that started the first program, as strace's first line shows the one it
/// ran itself: `execve("/bin/ls", ["ls", "-l"], 0x7ffe... /* 20 vars */) = 0`. `envp_addr` is
/// where the new program's environment array lies.
void trace_first_exec(i32 tid, const std::string& path, const std::vector<std::string>& argv, usize env_count, u64 envp_addr);

/// Prints a signal as the thread takes it, as strace's signal-delivery lines:
/// `[pid 2] --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=3, ...} ---`.
void trace_signal(i32 pid, i32 tid, const abi::SigInfo& info);

/// Prints how a process ended ("+++ exited with 0 +++", "+++ killed by SIGSEGV +++").
void trace_process_end(i32 pid, int wait_status);

} // namespace asterix::services
