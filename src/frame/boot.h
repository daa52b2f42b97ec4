#pragma once

#include <span>
#include <string>
#include <vector>

#include "frame/types.h"

namespace asterix::frame {

/// What the services get at boot: the first program and the guest's environment.
struct BootParams {
    std::string program;              ///< as given: a path, or a name looked up in PATH
    std::vector<std::string> argv;    ///< argv[0] included
    std::vector<std::string> envp;
    std::string cwd {"/"};            ///< guest path
    /// Whether a `cwd` that is not a directory in the guest stops the boot (it was asked for,
    /// or it is the host's working directory inside the root); else the root stands in.
    bool is_cwd_required {false};
    bool is_root_read_only {false};   ///< mount the root file system read-only
    std::vector<std::string> tmpfs_mounts; ///< guest directories that get a fresh tmpfs
    /// --volume: the host directory frame::HostNode::volume(i) mounted on volumes[i].guest_path.
    struct Volume {
        std::string guest_path;
        bool is_read_only;
    };
    std::vector<Volume> volumes;
    /// A cpio newc archive to unpack into a tmpfs root instead of the host-file root (the
    /// bare-metal kernel's boot module; hosted: --initramfs). Empty: the host-file root.
    std::span<const u8> initramfs;
    u64 mem_bytes {1ull << 30};
    u32 uid {0};                      ///< the guest's credentials (hosted: the host user's)
    u32 gid {0};
    bool is_strace_on {false};
    /// Which syscalls --strace shows: empty for all, else classes and names ("file,process").
    std::string strace_filter;
    /// --strace-summary: a table of calls, errors and time per syscall at the end instead of lines.
    bool is_strace_summary {false};
    /// --strace-string-limit: bytes of each string or buffer shown (0: strace's default, 32).
    u64 strace_string_limit {0};
    /// Whether --strace lines start with the time since boot.
    bool is_strace_timed {false};
    /// Whether every syscall is recorded, compactly, to the record sink (--record-syscalls).
    bool is_recording_syscalls {false};
    /// Stop the kernel with a panic (backtrace, task, registers) at the first syscall it lacks.
    bool is_panic_on_enosys {false};
    /// Run the program itself as pid 1 (--pid1) instead of as pid 2 under the kernel's own init.
    bool is_program_pid1 {false};
    /// --max-threads: kernel.threads-max and its ceiling; 0 when not given (Linux's default for
    /// the memory size then, within host_thread_budget).
    u64 max_threads {0};
    /// The most guest threads the host can carry (hosted: each kernel stack costs host
    /// mappings); 0 for no bound but memory.
    u64 host_thread_budget {0};
    /// The most guest processes that have not exited (each an address space: hosted, a host
    /// process); 0 for no bound but memory and threads.
    u64 max_processes {0};
    /// net.ipv4.ping_group_range at boot: the groups whose members may open ping sockets
    /// (hosted: the host's; Linux's default {1, 0} lets no group).
    u32 ping_group_low {1};
    u32 ping_group_high {0};
};

using ServicesEntry = void (*)(const BootParams&);

/// Boots the frame, runs `entry` as the first kernel task, and schedules until the services
/// call power_off() or no task is left. Returns the exit code given to power_off().
int boot(const BootParams& params, ServicesEntry entry);
/// Stops the machine with `exit_code` once the current task yields.
void power_off(int exit_code);
bool is_powering_off();

} // namespace asterix::frame
