#include "services/kernel.h"

#include <algorithm>

#include "frame/clock.h"
#include "frame/console.h"
#include "frame/format.h"
#include "frame/log.h"
#include "frame/phys_mem.h"
#include "services/abi/futex.h"
#include "services/exec/exec.h"
#include "services/fs/dev_fs.h"
#include "services/tty/devpts.h"
#include "services/fs/host_fs.h"
#include "services/fs/proc_fs.h"
#include "services/fs/sys_fs.h"
#include "services/fs/initramfs.h"
#include "services/fs/ram_fs.h"
#include "services/fs/vfs.h"
#include "services/ipc/message_queue.h"
#include "services/net/ping_group_range.h"
#include "services/net/resolv_conf.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/strace.h"
#include "services/syscalls/syscall_table.h"
#include "services/tty/console.h"

namespace asterix::services {

namespace {
constexpr int exit_not_found = 127;
constexpr int exit_cannot_execute = 126;
constexpr int exit_kernel_error = 125;
constexpr int exit_usage = 2;

/// Mounts a file system on an existing guest directory; false (with a log line) if it is missing.
bool mount_at(const std::string& path, Ref<Inode> root, std::string source, std::string options)
{
    auto root_dentry = Vfs::root();
    auto at = walk_path(root_dentry, root_dentry, path, Follow::follow);
    if (at.is_error() || Vfs::mount(at.value(), std::move(root), std::move(source), std::move(options)).is_error()) {
        frame::klog(frame::Subsystem::fs, frame::LogLevel::info, "cannot mount %s on %s: no such directory in the root", source.c_str(), path.c_str());
        return false;
    }
    return true;
}

/// A tmpfs may fill half of memory, as Linux's default size.
u64 tmpfs_max_bytes() { return frame::total_frames() * page_size / 2; }

/// The root: a tmpfs holding the initramfs when there is one, else the host-file root.
bool mount_root(const frame::BootParams& params)
{
    if (!params.initramfs.empty()) {
        auto root = RamFs::make_tmpfs(tmpfs_max_bytes());
        std::string problem;
        if (auto unpacked = unpack_initramfs(*root, params.initramfs, problem); unpacked.is_error()) {
            frame::report("cannot unpack the initramfs: %s%s%s", errno_message(unpacked.error()),
                problem.empty() ? "" : ": ", problem.c_str());
            return false;
        }
        Vfs::set_root(std::move(root), "rootfs", "rw");
        return true;
    }
    auto root = HostFs::mount(params.is_root_read_only);
    if (root.is_error()) {
        frame::report("cannot open the root directory: %s", errno_message(root.error()));
        return false;
    }
    Vfs::set_root(root.release_value(), "hostfs", params.is_root_read_only ? "ro,nosuid" : "rw,nosuid");
    return true;
}

/// kernel.threads-max and the bound on processes. Linux's default threads-max lets kernel
/// stacks (16 KiB each) take an eighth of memory (kernel/fork.c, set_max_threads).
void set_instance_limits(const frame::BootParams& params)
{
    constexpr u64 linux_thread_stack_bytes = 16384;
    u64 ceiling = params.max_threads ? params.max_threads : params.host_thread_budget ? params.host_thread_budget : abi::futex_tid_mask;
    ceiling = std::min<u64>(ceiling, abi::futex_tid_mask);
    u64 linux_default = frame::total_frames() * page_size / (8 * linux_thread_stack_bytes);
    u64 threads_max = params.max_threads ? ceiling : std::min(linux_default, ceiling);
    ProcessTable::set_limits(threads_max, ceiling, params.max_processes ? params.max_processes : ceiling);
    frame::klog(frame::LogLevel::info, "limits: threads-max %llu (at most %llu), processes %llu",
        static_cast<unsigned long long>(ProcessTable::threads_max()), static_cast<unsigned long long>(ceiling),
        static_cast<unsigned long long>(ProcessTable::max_processes()));
}

/// The kernel's own init, pid 1: a process with no program, no threads and no address space.
/// It takes no signal (all its actions are the default ones), and it reaps the orphans it
/// inherits as they end (exit.cpp), as tini does under `docker run --init`.
void start_kernel_init()
{
    i32 pid = MUST(ProcessTable::allocate_id());
    auto init = Process::create_first({.pid = pid, .is_kernel_init = true, .root = Vfs::root(), .cwd = Vfs::root(), .argv = {"init"}, .envp = {}});
    ProcessTable::add(*init);
    // The table holds raw pointers, so the kernel's init keeps a reference it never drops: it
    // lives as long as the instance, and like every guest process it is never destroyed at
    // exit (a static owner would run its destructor after the statics it needs are gone).
    init->ref();
}

bool mount_file_systems(const frame::BootParams& params)
{
    if (!mount_root(params))
        return false;
    if (mount_at("/dev", make_dev_fs(), "devtmpfs", "rw,nosuid")) {
        mount_at("/dev/pts", make_dev_pts_fs(), "devpts", "rw,nosuid,noexec,mode=620,ptmxmode=000");
        // shm_open and sem_open (glibc) make their files here; a tmpfs of its own gives them
        // the size limit, statfs and /proc/mounts line a program sees on Linux.
        mount_at("/dev/shm", RamFs::make_tmpfs(tmpfs_max_bytes()), "tmpfs", "rw,nosuid,nodev");
        // The queues of mq_open, as systemd mounts them on Linux.
        mount_at("/dev/mqueue", Ref<Inode>(&mqueue_root()), "mqueue", "rw,nosuid,nodev,noexec");
    }
    mount_at("/proc", make_proc_fs(), "proc", "rw,nosuid,nodev,noexec");
    // Over the root's /sys (with --root / the host's, through hostfs), so the guest counts the
    // CPUs /proc/cpuinfo shows and not the host's.
    mount_at("/sys", make_sys_fs(), "sysfs", "rw,nosuid,nodev,noexec");
    for (const auto& path : params.tmpfs_mounts) {
        if (!mount_at(path, RamFs::make_tmpfs(tmpfs_max_bytes()), "tmpfs", "rw")) {
            frame::report("--tmpfs %s: no such directory in the guest; create it first", path.c_str());
            return false;
        }
    }
    for (u32 index = 0; index < params.volumes.size(); ++index) {
        const auto& volume = params.volumes[index];
        auto root = HostFs::mount_volume(index, volume.is_read_only);
        if (root.is_error()) {
            frame::report("--volume %s: %s", volume.guest_path.c_str(), errno_message(root.error()));
            return false;
        }
        if (!mount_at(volume.guest_path, root.release_value(), "hostfs", volume.is_read_only ? "ro,nosuid" : "rw,nosuid")) {
            frame::report("--volume ...:%s: no such directory in the guest; create it first", volume.guest_path.c_str());
            return false;
        }
    }
    // Last, so that it reads the resolv.conf the guest would see (a volume may hold /etc).
    mount_resolv_conf_for_nat();
    return true;
}

/// Signals a host process sent asterix go to the program, as if sent from outside the instance.
void forward_host_signals(u64 signals)
{
    Process* program = ProcessTable::find(ProcessTable::instance_leader());
    if (!program || program->has_exited())
        return;
    for (int sig = 1; sig < 64; ++sig) {
        if (signals & (1ull << sig))
            send_signal(*program, make_signal_info(abi::Signal::from_valid(sig), si_user));
    }
}

/// The program's working directory; an error (reported) when one was asked for and is not a
/// directory in the guest, else the root stands in for one outside it.
Result<Ref<Dentry>> initial_cwd(const Ref<Dentry>& root, const frame::BootParams& params)
{
    auto cwd = walk_path(root, root, params.cwd, Follow::follow);
    if (!cwd.is_error() && cwd.value()->inode().is_directory())
        return cwd.release_value();
    if (!params.is_cwd_required)
        return root;
    Errno error = cwd.is_error() ? cwd.error() : Errno::enotdir;
    frame::report("working directory %s: %s in the guest (choose one with --cwd)", params.cwd.c_str(), errno_message(error));
    return error;
}
} // namespace

void kernel_main(const frame::BootParams& params)
{
    set_panic_on_enosys(params.is_panic_on_enosys);
    set_strace_summary(params.is_strace_summary);
    if (params.strace_string_limit)
        set_strace_string_limit(params.strace_string_limit);
    std::string bad_word;
    if (!configure_strace(params.is_strace_on, params.strace_filter, params.is_strace_timed, params.is_recording_syscalls, bad_word)) {
        frame::report("--strace=trace=: unknown syscall or class '%s'", bad_word.c_str());
        frame::power_off(exit_usage);
        return;
    }
    frame::set_log_identity_hook([](i32& pid, i32& tid) {
        if (Thread* thread = ProcessTable::current_thread()) {
            pid = thread->process().pid();
            tid = thread->tid();
        }
    });
    ProcessTable::set_boot_time(frame::monotonic_ns());
    // The first lines of the kernel log, as dmesg shows Linux's: what runs and on what memory.
    frame::kernel_log_append(frame::LogLevel::info, "Linux version 6.1.0-asterix (Asterix framekernel)");
    frame::kernel_log_append(frame::LogLevel::info,
        frame::format("Memory: %lluK available", static_cast<unsigned long long>(frame::total_frames() * page_size / 1024)));
    if (!mount_file_systems(params)) {
        frame::power_off(exit_kernel_error);
        return;
    }
    frame::console::set_forwarded_signal_hook(forward_host_signals);
    set_instance_limits(params);
    ping_group_range() = PingGroupRange {params.ping_group_low, params.ping_group_high};
    if (!params.is_program_pid1)
        start_kernel_init();
    i32 pid = MUST(ProcessTable::allocate_id());
    Process* init = ProcessTable::find(1);
    auto root = Vfs::root();
    auto cwd = initial_cwd(root, params);
    if (cwd.is_error()) {
        frame::power_off(exit_usage);
        return;
    }
    auto process = Process::create_first(
        {.pid = pid, .parent = init, .root = root, .cwd = cwd.value(), .argv = params.argv, .envp = params.envp});
    ProcessTable::set_instance_leader(pid);
    // The console: each stream a host file or a terminal, chosen once here; the first terminal
    // is the first process's controlling terminal, with its group in the foreground.
    init_console(pid);
    for (int stream = 0; stream < 3; ++stream) {
        if (auto file = open_console_stream(stream))
            MUST(process->files()->install_at(stream, file, false, process->rlimit(rlimit_nofile).cur));
    }

    auto path = resolve_program(*process, params.program, params.envp);
    if (path.is_error()) {
        bool is_missing = path.error() == Errno::enoent;
        frame::report("%s: %s", params.program.c_str(), is_missing ? "program not found" : errno_message(path.error()));
        frame::power_off(is_missing ? exit_not_found : exit_cannot_execute);
        return;
    }
    frame::kernel_log_append(frame::LogLevel::info, frame::format("Run %s as init process", path.value().c_str()));
    Thread& thread = process->add_thread(pid, Credentials::for_user(params.uid, params.gid));
    if (auto error = exec_program(thread, path.value(), params.argv, params.envp)) {
        // Linux runs a file with execute permission alone; hosted, asterix reads the file through
        // the host with its own user's rights, which an execute-only file may deny.
        bool is_execute_only = false;
        if (error->error == Errno::eacces) {
            auto dentry = walk_path(root, cwd.value(), path.value(), Follow::follow);
            auto st = dentry.is_error() ? Result<frame::FileStat>(Errno::enoent) : dentry.value()->inode().stat();
            is_execute_only = !st.is_error() && (st.value().mode & 0111) && !(st.value().mode & 0444);
        }
        frame::report("%s: %s%s", params.program.c_str(), error->reason.c_str(),
            is_execute_only ? " (the file is execute-only: asterix must read it to load it, and the host lets only "
                              "its owner or root do that; run asterix as root, or give the file read permission)"
                            : "");
        frame::power_off(error->error == Errno::enoent ? exit_not_found : exit_cannot_execute);
        return;
    }
    // The initial stack holds argc, argv's pointers and a NULL, then the environment's.
    u64 envp_addr = thread.context().regs.rsp + (params.argv.size() + 2) * sizeof(u64);
    trace_first_exec(pid, path.value(), params.argv, params.envp.size(), envp_addr);
    ProcessTable::add(*process);
    if (init)
        init->add_child(process);
    start_thread(thread);
}

} // namespace asterix::services
