// How --strace shows each implemented syscall, and the compile-time checks that keep this table
// and the syscall table (syscall_list.h, handlers.h) in step: every implemented syscall has
// Linux's number and a description, no description names a syscall that is not implemented,
// and each description has as many arguments as its handler, each of a kind its parameter type
// can hold (a path or a buffer where the handler takes a guest pointer, a number where it takes
// an integer).

#include <type_traits>

#include "services/syscalls/handlers.h"
#include "services/syscalls/strace_args.h"
#include "services/syscalls/strace_flags.h"
#include "services/syscalls/syscall_names.h"

namespace asterix::services::strace {

namespace {

using enum ArgKind;

constexpr ArgSpec buffer_out {output_buffer};

/// Bytes the call reads, as many as argument `length_arg` says.
constexpr ArgSpec buffer_in(u8 length_arg)
{
    ArgSpec spec {input_buffer};
    spec.length_arg = length_arg;
    return spec;
}

constexpr ArgSpec flags_of(const FlagSet& set)
{
    ArgSpec spec {flag_set};
    spec.flags = &set;
    return spec;
}

constexpr ArgSpec one_of(const ValueSet& set)
{
    ArgSpec spec {named_value};
    spec.values = &set;
    return spec;
}

constexpr ArgSpec mmap_prot = flags_of(prot_flag_set);
constexpr ArgSpec map_flags = flags_of(map_flag_set);
constexpr ArgSpec clock = one_of(clock_value_set);
constexpr ArgSpec access_mode = flags_of(access_mode_set);
constexpr ArgSpec at_flags = flags_of(at_flag_set);
constexpr ArgSpec seek_whence = one_of(seek_whence_set);
constexpr ArgSpec wait_options = flags_of(wait_option_set);

/// Group ids the call reads, as many as argument `count_arg` says.
constexpr ArgSpec gid_array_of(u8 count_arg)
{
    ArgSpec spec {gid_array_in};
    spec.length_arg = count_arg;
    return spec;
}

/// A socket protocol, named after the address family in argument `family_arg`.
constexpr ArgSpec socket_protocol_of(u8 family_arg)
{
    ArgSpec spec {socket_protocol};
    spec.length_arg = family_arg;
    return spec;
}

/// A socket address of as many bytes as argument `length_arg` says.
constexpr ArgSpec sockaddr_of(u8 length_arg)
{
    ArgSpec spec {sockaddr_in};
    spec.length_arg = length_arg;
    return spec;
}

// In the order of syscall_list.h (by number).
constexpr SyscallDescription descriptions[] = {
    {"read", {fd, buffer_out, unsigned_integer}},
    {"write", {fd, buffer_in(2), unsigned_integer}},
    {"open", {path, open_flags, octal}},
    {"close", {fd}},
    {"stat", {path, stat_out}},
    {"fstat", {fd, stat_out}},
    {"lstat", {path, stat_out}},
    {"poll", {pointer, unsigned_integer, integer}, ResultKind::decimal, CallLayout::poll},
    {"lseek", {fd, long_integer, seek_whence}},
    {"mmap", {pointer, unsigned_integer, mmap_prot, map_flags, fd, hex}, ResultKind::address},
    {"mprotect", {pointer, unsigned_integer, mmap_prot}},
    {"munmap", {pointer, unsigned_integer}},
    {"brk", {pointer}, ResultKind::address},
    {"rt_sigaction", {signal, sigaction_in, sigaction_out, unsigned_integer}},
    {"rt_sigprocmask", {one_of(sigprocmask_how_set), sigset_in, sigset_out, unsigned_integer}},
    {"rt_sigreturn", {}},
    {"ioctl", {fd, one_of(ioctl_request_set), hex}, ResultKind::decimal, CallLayout::ioctl},
    {"pread64", {fd, buffer_out, unsigned_integer, long_integer}},
    {"pwrite64", {fd, buffer_in(2), unsigned_integer, long_integer}},
    {"readv", {fd, pointer, integer}},
    {"writev", {fd, pointer, integer}},
    {"access", {path, access_mode}},
    {"pipe", {fd_pair_out}},
    {"select", {integer, pointer, pointer, pointer, pointer}},
    {"sched_yield", {}},
    {"mremap", {pointer, unsigned_integer, unsigned_integer, hex, pointer}},
    {"msync", {pointer, unsigned_integer, hex}},
    {"mincore", {pointer, unsigned_integer, pointer}},
    {"madvise", {pointer, unsigned_integer, one_of(madvise_advice_set)}},
    {"shmget", {hex, unsigned_integer, octal}},
    {"shmat", {integer, pointer, hex}, ResultKind::address},
    {"shmctl", {integer, integer, pointer}},
    {"dup", {fd}},
    {"dup2", {fd, fd}},
    {"pause", {}},
    {"nanosleep", {pointer, pointer}},
    {"getitimer", {integer, pointer}},
    {"alarm", {unsigned_integer}},
    {"setitimer", {integer, pointer, pointer}},
    {"getpid", {}},
    {"sendfile", {fd, fd, pointer, unsigned_integer}},
    {"socket", {one_of(address_family_set), socket_type, socket_protocol_of(0)}},
    {"connect", {fd, sockaddr_of(2), unsigned_integer}},
    {"accept", {fd, pointer, pointer}},
    {"sendto", {fd, pointer, unsigned_integer, hex, pointer, unsigned_integer}},
    {"recvfrom", {fd, pointer, unsigned_integer, hex, pointer, pointer}},
    {"sendmsg", {fd, pointer, hex}},
    {"recvmsg", {fd, pointer, hex}},
    {"shutdown", {fd, integer}},
    {"bind", {fd, sockaddr_of(2), unsigned_integer}},
    {"listen", {fd, integer}},
    {"getsockname", {fd, pointer, pointer}},
    {"getpeername", {fd, pointer, pointer}},
    {"socketpair", {one_of(address_family_set), socket_type, socket_protocol_of(0), fd_pair_out}},
    {"setsockopt", {fd, integer, integer, pointer, unsigned_integer}},
    {"getsockopt", {fd, integer, integer, pointer, pointer}},
    {"clone", {clone_flags, pointer, pointer, pointer, pointer}, ResultKind::decimal, CallLayout::clone},
    {"fork", {}},
    {"vfork", {}},
    {"execve", {path, string_array, env_array}},
    {"exit", {integer}},
    {"wait4", {integer, wait_status_out, wait_options, pointer}},
    {"kill", {integer, signal}},
    {"uname", {utsname_out}},
    {"semget", {hex, integer, octal}},
    {"semop", {integer, pointer, unsigned_integer}},
    {"semctl", {integer, integer, integer, hex}},
    {"shmdt", {pointer}},
    {"msgget", {hex, octal}},
    {"msgsnd", {integer, pointer, unsigned_integer, hex}},
    {"msgrcv", {integer, pointer, unsigned_integer, long_integer, hex}},
    {"msgctl", {integer, integer, pointer}},
    {"fcntl", {fd, integer, hex}, ResultKind::decimal, CallLayout::fcntl},
    {"flock", {fd, hex}},
    {"fsync", {fd}},
    {"fdatasync", {fd}},
    {"truncate", {path, long_integer}},
    {"ftruncate", {fd, long_integer}},
    {"getcwd", {string_out, unsigned_integer}},
    {"chdir", {path}},
    {"fchdir", {fd}},
    {"rename", {path, path}},
    {"mkdir", {path, octal}},
    {"rmdir", {path}},
    {"creat", {path, octal}},
    {"link", {path, path}},
    {"unlink", {path}},
    {"symlink", {path, path}},
    {"readlink", {path, buffer_out, integer}},
    {"chmod", {path, octal}},
    {"fchmod", {fd, octal}},
    {"chown", {path, integer, integer}},
    {"fchown", {fd, integer, integer}},
    {"lchown", {path, integer, integer}},
    {"umask", {octal}},
    {"gettimeofday", {pointer, pointer}},
    {"getrlimit", {integer, pointer}},
    {"getrusage", {integer, pointer}},
    {"sysinfo", {sysinfo_out}},
    {"times", {pointer}},
    {"ptrace", {integer, integer, hex, hex}},
    {"getuid", {}},
    {"syslog", {integer, pointer, integer}},
    {"getgid", {}},
    {"setuid", {integer}},
    {"setgid", {integer}},
    {"geteuid", {}},
    {"getegid", {}},
    {"setpgid", {integer, integer}},
    {"getppid", {}},
    {"getpgrp", {}},
    {"setsid", {}},
    {"setreuid", {integer, integer}},
    {"setregid", {integer, integer}},
    {"getgroups", {integer, gid_array_out}},
    {"setgroups", {integer, gid_array_of(0)}},
    {"setresuid", {integer, integer, integer}},
    {"getresuid", {pointer, pointer, pointer}},
    {"setresgid", {integer, integer, integer}},
    {"getresgid", {pointer, pointer, pointer}},
    {"getpgid", {integer}},
    {"setfsuid", {integer}},
    {"setfsgid", {integer}},
    {"getsid", {integer}},
    {"capget", {pointer, pointer}},
    {"capset", {pointer, pointer}},
    {"rt_sigpending", {pointer, unsigned_integer}},
    {"rt_sigtimedwait", {pointer, pointer, pointer, unsigned_integer}},
    {"rt_sigqueueinfo", {integer, signal, pointer}},
    {"rt_sigsuspend", {pointer, unsigned_integer}},
    {"sigaltstack", {pointer, pointer}},
    {"mknod", {path, octal, hex}},
    {"personality", {hex}},
    {"ustat", {unsigned_integer, pointer}},
    {"statfs", {path, pointer}},
    {"fstatfs", {fd, pointer}},
    {"sysfs", {integer, hex, hex}},
    {"getpriority", {integer, integer}},
    {"setpriority", {integer, integer, integer}},
    {"sched_setparam", {integer, pointer}},
    {"sched_getparam", {integer, pointer}},
    {"sched_setscheduler", {integer, integer, pointer}},
    {"sched_getscheduler", {integer}},
    {"sched_get_priority_max", {integer}},
    {"sched_get_priority_min", {integer}},
    {"sched_rr_get_interval", {integer, pointer}},
    {"mlock", {pointer, unsigned_integer}},
    {"munlock", {pointer, unsigned_integer}},
    {"mlockall", {hex}},
    {"munlockall", {}},
    {"prctl", {integer, hex, hex, hex, hex}, ResultKind::decimal, CallLayout::prctl},
    {"arch_prctl", {one_of(arch_prctl_code_set), hex}},
    {"setrlimit", {integer, pointer}},
    {"chroot", {path}},
    {"sync", {}},
    {"gettid", {}},
    {"readahead", {fd, long_integer, unsigned_integer}},
    {"setxattr", {path, string, pointer, unsigned_integer, hex}},
    {"lsetxattr", {path, string, pointer, unsigned_integer, hex}},
    {"fsetxattr", {fd, string, pointer, unsigned_integer, hex}},
    {"getxattr", {path, string, pointer, unsigned_integer}},
    {"lgetxattr", {path, string, pointer, unsigned_integer}},
    {"fgetxattr", {fd, string, pointer, unsigned_integer}},
    {"listxattr", {path, pointer, unsigned_integer}},
    {"llistxattr", {path, pointer, unsigned_integer}},
    {"flistxattr", {fd, pointer, unsigned_integer}},
    {"removexattr", {path, string}},
    {"lremovexattr", {path, string}},
    {"fremovexattr", {fd, string}},
    {"tkill", {integer, signal}},
    {"time", {pointer}},
    {"futex", {pointer, one_of(futex_op_set), unsigned_integer, pointer, pointer, unsigned_integer}, ResultKind::decimal,
        CallLayout::futex},
    {"sched_setaffinity", {integer, unsigned_integer, pointer}},
    {"sched_getaffinity", {integer, unsigned_integer, pointer}},
    {"io_setup", {unsigned_integer, pointer}},
    {"io_destroy", {hex}},
    {"io_getevents", {hex, long_integer, long_integer, pointer, pointer}},
    {"io_submit", {hex, long_integer, pointer}},
    {"io_cancel", {hex, pointer, pointer}},
    {"epoll_create", {integer}},
    {"getdents64", {fd, pointer, unsigned_integer}},
    {"set_tid_address", {pointer}},
    {"restart_syscall", {}},
    {"semtimedop", {integer, pointer, unsigned_integer, pointer}},
    {"fadvise64", {fd, long_integer, long_integer, one_of(fadvise_advice_set)}},
    {"timer_create", {clock, pointer, pointer}},
    {"timer_settime", {integer, hex, pointer, pointer}},
    {"timer_gettime", {integer, pointer}},
    {"timer_getoverrun", {integer}},
    {"timer_delete", {integer}},
    {"clock_gettime", {clock, pointer}},
    {"clock_getres", {clock, pointer}},
    {"clock_nanosleep", {clock, hex, pointer, pointer}},
    {"exit_group", {integer}},
    {"epoll_wait", {fd, epoll_events_out, integer, integer}},
    {"epoll_ctl", {fd, one_of(epoll_ctl_op_set), fd, epoll_event_in}},
    {"tgkill", {integer, integer, signal}},
    {"mbind", {pointer, unsigned_integer, integer, pointer, unsigned_integer, hex}},
    {"set_mempolicy", {integer, pointer, unsigned_integer}},
    {"get_mempolicy", {pointer, pointer, unsigned_integer, pointer, hex}},
    {"mq_open", {string, open_flags, octal, pointer}},
    {"mq_unlink", {string}},
    {"mq_timedsend", {fd, buffer_in(2), unsigned_integer, unsigned_integer, pointer}},
    {"mq_timedreceive", {fd, buffer_out, unsigned_integer, pointer, pointer}},
    {"mq_notify", {fd, pointer}},
    {"mq_getsetattr", {fd, pointer, pointer}},
    {"waitid", {integer, integer, pointer, hex, pointer}},
    {"ioprio_set", {integer, integer, hex}},
    {"ioprio_get", {integer, integer}},
    {"inotify_init", {}},
    {"inotify_add_watch", {fd, path, hex}},
    {"inotify_rm_watch", {fd, integer}},
    {"openat", {dirfd, path, open_flags, open_mode}},
    {"mkdirat", {dirfd, path, octal}},
    {"mknodat", {dirfd, path, octal, hex}},
    {"fchownat", {dirfd, path, integer, integer, hex}},
    {"newfstatat", {dirfd, path, stat_out, at_flags}},
    {"unlinkat", {dirfd, path, hex}},
    {"renameat", {dirfd, path, dirfd, path}},
    {"linkat", {dirfd, path, dirfd, path, hex}},
    {"symlinkat", {path, dirfd, path}},
    {"readlinkat", {dirfd, path, buffer_out, integer}},
    {"fchmodat", {dirfd, path, octal}},
    {"faccessat", {dirfd, path, access_mode}},
    {"pselect6", {integer, pointer, pointer, pointer, pointer, pointer}},
    {"ppoll", {pointer, unsigned_integer, pointer, pointer, unsigned_integer}},
    {"set_robust_list", {pointer, unsigned_integer}},
    {"splice", {fd, pointer, fd, pointer, unsigned_integer, hex}},
    {"tee", {fd, fd, unsigned_integer, hex}},
    {"sync_file_range", {fd, long_integer, long_integer, hex}},
    {"vmsplice", {fd, pointer, unsigned_integer, hex}},
    {"utimensat", {dirfd, path, pointer, hex}},
    {"epoll_pwait", {fd, epoll_events_out, integer, integer, pointer, unsigned_integer}},
    {"signalfd", {integer, pointer, unsigned_integer}},
    {"timerfd_create", {clock, hex}},
    {"eventfd", {unsigned_integer}},
    {"fallocate", {fd, hex, long_integer, long_integer}},
    {"timerfd_settime", {fd, hex, pointer, pointer}},
    {"timerfd_gettime", {fd, pointer}},
    {"accept4", {fd, pointer, pointer, hex}},
    {"signalfd4", {integer, pointer, unsigned_integer, hex}},
    {"eventfd2", {unsigned_integer, hex}},
    {"epoll_create1", {flags_of(epoll_create_flag_set)}},
    {"dup3", {fd, fd, flags_of(cloexec_flag_set)}},
    {"pipe2", {fd_pair_out, flags_of(pipe_flag_set)}},
    {"inotify_init1", {hex}},
    {"preadv", {fd, pointer, integer, long_integer}},
    {"pwritev", {fd, pointer, integer, long_integer}},
    {"rt_tgsigqueueinfo", {integer, integer, signal, pointer}},
    {"recvmmsg", {fd, pointer, unsigned_integer, hex, pointer}},
    {"prlimit64", {integer, one_of(rlimit_resource_set), rlimit_in, rlimit_out}},
    {"name_to_handle_at", {dirfd, path, pointer, pointer, hex}},
    {"open_by_handle_at", {fd, pointer, open_flags}},
    {"syncfs", {fd}},
    {"sendmmsg", {fd, pointer, unsigned_integer, hex}},
    {"getcpu", {pointer, pointer, pointer}},
    {"process_vm_readv", {integer, pointer, unsigned_integer, pointer, unsigned_integer, hex}},
    {"process_vm_writev", {integer, pointer, unsigned_integer, pointer, unsigned_integer, hex}},
    {"sched_setattr", {integer, pointer, hex}},
    {"sched_getattr", {integer, pointer, unsigned_integer, hex}},
    {"renameat2", {dirfd, path, dirfd, path, hex}},
    {"getrandom", {buffer_out, unsigned_integer, flags_of(getrandom_flag_set)}},
    {"memfd_create", {string, hex}},
    {"execveat", {dirfd, path, pointer, pointer, hex}},
    {"membarrier", {integer, hex, integer}},
    {"mlock2", {pointer, unsigned_integer, hex}},
    {"copy_file_range", {fd, pointer, fd, pointer, unsigned_integer, hex}},
    {"preadv2", {fd, pointer, integer, long_integer, hex}},
    {"pwritev2", {fd, pointer, integer, long_integer, hex}},
    {"statx", {dirfd, path, statx_flags, flags_of(statx_mask_set), statx_out}},
    {"io_pgetevents", {hex, long_integer, long_integer, pointer, pointer, pointer}},
    {"rseq", {pointer, hex, integer, hex}},
    {"pidfd_send_signal", {fd, signal, pointer, hex}},
    {"pidfd_open", {integer, hex}},
    {"clone3", {pointer, unsigned_integer}, ResultKind::decimal, CallLayout::clone3},
    {"close_range", {unsigned_integer, unsigned_integer, hex}},
    {"openat2", {dirfd, path, pointer, unsigned_integer}},
    {"pidfd_getfd", {fd, fd, hex}},
    {"faccessat2", {dirfd, path, access_mode, flags_of(faccessat_flag_set)}},
    {"epoll_pwait2", {fd, epoll_events_out, integer, pointer, pointer, unsigned_integer}},
    {"futex_waitv", {pointer, unsigned_integer, hex, pointer, integer}},
    {"cachestat", {fd, pointer, pointer, hex}},
    {"mseal", {pointer, unsigned_integer, hex}},
};

constexpr const SyscallDescription* find_description(std::string_view name)
{
    for (const auto& description : descriptions) {
        if (description.name == name)
            return &description;
    }
    return nullptr;
}

template<typename T>
constexpr bool is_user_ptr = false;
template<typename T>
constexpr bool is_user_ptr<UserPtr<T>> = true;

/// Whether a handler parameter of type T can be shown as `spec` says: strings and buffers are
/// guest pointers, numbers are integers, and an address may be either.
template<typename T>
consteval bool fits(const ArgSpec& spec)
{
    switch (spec.kind) {
    case path:
    case string: return std::is_same_v<T, UserPtr<char>>;
    case input_buffer:
    case output_buffer:
    case stat_out:
    case string_array:
    case env_array:
    case wait_status_out:
    case fd_pair_out:
    case sigaction_in:
    case sigaction_out:
    case sigset_in:
    case sigset_out:
    case rlimit_in:
    case rlimit_out:
    case string_out:
    case statx_out:
    case utsname_out:
    case sysinfo_out:
    case epoll_event_in:
    case epoll_events_out: return is_user_ptr<T>;
    case pointer:
    case sockaddr_in:
    case gid_array_in:
    case gid_array_out:
    case hex: return true;
    default: return std::is_integral_v<T>;
    }
}

/// Whether a description matches its handler: the same number of arguments, each of a kind its
/// parameter can have, flag sets and enumerations with their tables, and an input buffer's
/// length in an integer argument.
template<typename... Args>
consteval bool agrees_with(const SyscallDescription* description, Result<long> (*)(Context&, Args...))
{
    if (!description)
        return true; // reported by the "has no description" assertion
    if (description->args.size() != sizeof...(Args))
        return false;
    usize index = 0;
    bool does_fit = (fits<std::remove_cvref_t<Args>>(description->args[index++]) && ...);
    for (const ArgSpec& spec : description->args.specs()) {
        if ((spec.kind == flag_set && !spec.flags) || (spec.kind == named_value && !spec.values))
            return false;
        if (spec.kind == socket_protocol && spec.length_arg >= description->args.size())
            return false;
        if (spec.kind != input_buffer && spec.kind != sockaddr_in && spec.kind != gid_array_in)
            continue;
        if (spec.length_arg >= description->args.size())
            return false;
        auto length_kind = description->args[spec.length_arg].kind;
        if (length_kind != unsigned_integer && length_kind != integer && length_kind != long_integer)
            return false;
    }
    return does_fit;
}

consteval bool is_linux_number(u64 number, std::string_view name)
{
    const char* linux_name = syscall_name(number);
    return linux_name && name == linux_name;
}

#define AX_SYSCALL(number, name)                                                                   \
    static_assert(is_linux_number(number, #name), "syscall_list.h: " #name " is not Linux's number " #number); \
    static_assert(find_description(#name), "--strace: strace_table.cpp has no description of " #name); \
    static_assert(agrees_with(find_description(#name), &sys_##name),                               \
        "--strace: the description of " #name " disagrees with the parameters of sys_" #name);
#include "services/syscalls/syscall_list.h"
#undef AX_SYSCALL

constexpr usize implemented_count = 0
#define AX_SYSCALL(number, name) +1
#include "services/syscalls/syscall_list.h"
#undef AX_SYSCALL
    ;

consteval bool are_names_unique()
{
    for (const auto& description : descriptions) {
        if (find_description(description.name) != &description)
            return false;
    }
    return true;
}

static_assert(are_names_unique(), "--strace: a syscall is described twice");
static_assert(implemented_count == std::size(descriptions),
    "--strace: a description names a syscall Asterix does not implement");

constexpr usize index_size = 512;

/// The descriptions by syscall number.
constexpr std::array<const SyscallDescription*, index_size> by_number = [] {
    std::array<const SyscallDescription*, index_size> index {};
#define AX_SYSCALL(number, name) index[number] = find_description(#name);
#include "services/syscalls/syscall_list.h"
#undef AX_SYSCALL
    return index;
}();

} // namespace

const SyscallDescription* describe_syscall(u64 number)
{
    return number < index_size ? by_number[number] : nullptr;
}

} // namespace asterix::services::strace
