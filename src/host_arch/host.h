#pragma once

// Internal to the hosted backend: state shared between its files, and the setup the command
// line performs before boot. Nothing outside src/host_arch and src/main includes this.

#include <sys/stat.h>

#include <array>
#include <csignal>
#include <string>
#include <vector>

#include "frame/errno.h"
#include "frame/file_stat.h"
#include "frame/result.h"
#include "frame/types.h"

namespace asterix::host {

/// The memfd that is the guest's physical memory.
int phys_mem_fd();

/// The guest process that is running right now (0 when none): the timer interrupts it.
extern volatile std::sig_atomic_t g_running_pid;
/// The systrap platform's guest thread that runs right now (0 when none or under ptrace): the
/// timer sends it preempt_signal instead of stopping it with PTRACE_INTERRUPT.
extern volatile std::sig_atomic_t g_running_tid;
/// How many times the timer or the console signalled the running guest thread (systrap): a
/// guest thread that does not come back after many is stuck with the signal blocked.
extern volatile std::sig_atomic_t g_preempt_signals;
/// The host signal that preempts a systrap guest thread.
inline constexpr int preempt_signal = SIGUSR2;

/// How guest threads run (--platform): `ptrace` stops them with PTRACE_SYSEMU at every
/// syscall; `systrap` traps their syscalls with seccomp into a handler in the stub that hands
/// the registers to the kernel through shared memory (the default where the host allows it).
enum class Platform : u8 { ptrace, systrap };
Platform platform();
void set_platform(Platform platform);
/// Whether the systrap platform patches `mov $N, %eax; syscall` sites that trapped
/// (--syscall-patching, on by default).
bool is_syscall_patching_on();
void set_syscall_patching(bool is_on);
/// Null when this host can run the systrap platform, else why not.
const char* systrap_unsupported_reason();

/// Opens the host directory that is the guest's root; false with errno when it cannot.
bool set_root(const std::string& path);
int root_fd();
/// Opens a host directory for --volume; its index (in the order of the calls) names it to
/// frame::HostNode::volume(). -1 with errno when it cannot be opened.
int add_volume(const std::string& path);

/// How long the program may take to end after a forwarded SIGTERM before the instance is
/// killed (--stop-timeout); 0 for no limit.
void set_stop_timeout_ns(u64 timeout_ns);

/// One --publish: a port on the host's 127.0.0.1 forwarded to the guest's port.
struct PortForward {
    u16 host_port;
    u16 guest_port;
    bool is_udp;
};

/// The user-mode NAT's network (--net=user), in slirp's and QEMU's numbering.
struct UserNetConfig {
    std::array<u8, 4> guest_address {10, 0, 2, 15};
    u8 prefix_bits {24};
    /// The gateway is the host: passt maps connections to it onto the host's loopback.
    std::array<u8, 4> gateway_address {10, 0, 2, 2};
    std::array<u8, 4> dns_address {10, 0, 2, 3};
    std::vector<PortForward> forwards;
};

/// Starts the NAT (passt, confined in its own process) and makes it the frame's network
/// device; false with `error` set when passt is missing or failed (a port already in use).
bool start_user_net(const UserNetConfig& config, std::string& error);
/// Ends the NAT process (at exit).
void stop_user_net();
/// The device's socket, which idle waits watch (-1 without a device).
int net_device_fd();
/// The device's interrupt, from a signal handler: wakes an idle wait and stops the running
/// guest so that the scheduler takes the frames.
void signal_device_interrupt();
/// An idle wait saw the device's socket readable: the scheduler takes the frames next.
void note_device_input();

/// Records which of fds 0-2 asterix was given, then fills closed ones with /dev/null so that the
/// kernel's own descriptors never take those numbers.
void init_console();
/// Puts the host terminal back as asterix found it (guests change its modes through TCSETS).
/// Safe in a signal handler; called on every exit path.
void restore_console();
/// Restores the terminal and dies of `sig` as if asterix had no handler for it.
[[noreturn]] void die_of_signal(int sig);

/// Pins asterix (and so its address-space processes) to the CPU it runs on.
void pin_to_current_cpu();
/// The CPUs asterix was allowed before it pinned itself, as a mask of at most 64 CPUs (0 when
/// unknown): systrap moves a guest thread that hands over quickly apart from the kernel's CPU.
u64 cpus_before_pinning();

/// Linux errno from a host errno value (the host is Linux too, but say so explicitly).
Errno errno_from_host(int host_errno);

/// fstat of a host fd, as the frame's FileStat.
Result<frame::FileStat> stat_fd(int fd);
/// A host struct stat, as the frame's FileStat.
frame::FileStat file_stat_from_host(const struct stat& st);

} // namespace asterix::host
