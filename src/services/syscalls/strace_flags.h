#pragma once

// The flag sets and enumerations --strace names, each written once (Linux's values, x86-64).

#include "services/syscalls/strace_args.h"

namespace asterix::services::strace {

inline constexpr FlagName prot_flag_names[] = {{1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}};
inline constexpr FlagSet prot_flag_set {prot_flag_names, "PROT_NONE"};

inline constexpr FlagName map_flag_names[] = {
    {0x01, "MAP_SHARED"}, {0x02, "MAP_PRIVATE"}, {0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"},
    {0x100, "MAP_GROWSDOWN"}, {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"}, {0x2000, "MAP_LOCKED"},
    {0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"}, {0x20000, "MAP_STACK"},
    {0x40000, "MAP_HUGETLB"}, {0x100000, "MAP_FIXED_NOREPLACE"},
};
inline constexpr FlagSet map_flag_set {map_flag_names, "0"};

/// The open flags after the access mode (the low two bits, which are not flags).
inline constexpr FlagName open_flag_names[] = {
    {0100, "O_CREAT"}, {0200, "O_EXCL"}, {0400, "O_NOCTTY"}, {01000, "O_TRUNC"}, {02000, "O_APPEND"},
    {04000, "O_NONBLOCK"}, {010000, "O_DSYNC"}, {020000, "O_ASYNC"}, {040000, "O_DIRECT"}, {0100000, "O_LARGEFILE"},
    {0200000, "O_DIRECTORY"}, {0400000, "O_NOFOLLOW"}, {01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"},
    {04000000, "O_SYNC"}, {010000000, "O_PATH"}, {020000000, "O_TMPFILE"},
};
inline constexpr FlagSet open_flag_set {open_flag_names, ""};
inline constexpr u64 open_access_mode_mask = 3;

/// The clone flags above the exit signal (the low byte, which is a signal number).
inline constexpr FlagName clone_flag_names[] = {
    {0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"}, {0x800, "CLONE_SIGHAND"},
    {0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"}, {0x4000, "CLONE_VFORK"}, {0x8000, "CLONE_PARENT"},
    {0x10000, "CLONE_THREAD"}, {0x20000, "CLONE_NEWNS"}, {0x40000, "CLONE_SYSVSEM"}, {0x80000, "CLONE_SETTLS"},
    {0x100000, "CLONE_PARENT_SETTID"}, {0x200000, "CLONE_CHILD_CLEARTID"}, {0x400000, "CLONE_DETACHED"},
    {0x800000, "CLONE_UNTRACED"}, {0x1000000, "CLONE_CHILD_SETTID"}, {0x2000000, "CLONE_NEWCGROUP"},
    {0x4000000, "CLONE_NEWUTS"}, {0x8000000, "CLONE_NEWIPC"}, {0x10000000, "CLONE_NEWUSER"}, {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"}, {0x80000000, "CLONE_IO"}, {0x100000000, "CLONE_CLEAR_SIGHAND"},
    {0x200000000, "CLONE_INTO_CGROUP"},
};
inline constexpr FlagSet clone_flag_set {clone_flag_names, ""};
inline constexpr u64 clone_signal_mask = 0xff;

inline constexpr ValueName clock_names[] = {{0, "CLOCK_REALTIME"}, {1, "CLOCK_MONOTONIC"},
    {2, "CLOCK_PROCESS_CPUTIME_ID"}, {3, "CLOCK_THREAD_CPUTIME_ID"}, {4, "CLOCK_MONOTONIC_RAW"},
    {5, "CLOCK_REALTIME_COARSE"}, {6, "CLOCK_MONOTONIC_COARSE"}, {7, "CLOCK_BOOTTIME"}};
inline constexpr ValueSet clock_value_set {clock_names};

inline constexpr FlagName pipe_flag_names[] = {{04000, "O_NONBLOCK"}, {040000, "O_DIRECT"}, {02000000, "O_CLOEXEC"}};
inline constexpr FlagSet pipe_flag_set {pipe_flag_names, "0"};

inline constexpr FlagName cloexec_flag_names[] = {{02000000, "O_CLOEXEC"}};
inline constexpr FlagSet cloexec_flag_set {cloexec_flag_names, "0"};
inline constexpr FlagName epoll_create_flag_names[] = {{02000000, "EPOLL_CLOEXEC"}};
inline constexpr FlagSet epoll_create_flag_set {epoll_create_flag_names, "0"};
inline constexpr ValueName epoll_ctl_op_names[] = {{1, "EPOLL_CTL_ADD"}, {2, "EPOLL_CTL_DEL"}, {3, "EPOLL_CTL_MOD"}};
inline constexpr ValueSet epoll_ctl_op_set {epoll_ctl_op_names};
inline constexpr FlagName epoll_event_names[] = {{0x1, "EPOLLIN"}, {0x2, "EPOLLPRI"}, {0x4, "EPOLLOUT"},
    {0x8, "EPOLLERR"}, {0x10, "EPOLLHUP"}, {0x20, "EPOLLNVAL"}, {0x40, "EPOLLRDNORM"}, {0x80, "EPOLLRDBAND"},
    {0x100, "EPOLLWRNORM"}, {0x200, "EPOLLWRBAND"}, {0x400, "EPOLLMSG"}, {0x2000, "EPOLLRDHUP"},
    {1u << 28, "EPOLLEXCLUSIVE"}, {1u << 29, "EPOLLWAKEUP"}, {1u << 30, "EPOLLONESHOT"}, {1u << 31, "EPOLLET"}};
inline constexpr FlagSet epoll_event_set {epoll_event_names, "0"};
inline constexpr FlagName poll_event_names[] = {{0x1, "POLLIN"}, {0x2, "POLLPRI"}, {0x4, "POLLOUT"}, {0x8, "POLLERR"},
    {0x10, "POLLHUP"}, {0x20, "POLLNVAL"}, {0x40, "POLLRDNORM"}, {0x80, "POLLRDBAND"}, {0x100, "POLLWRNORM"},
    {0x200, "POLLWRBAND"}, {0x400, "POLLMSG"}, {0x1000, "POLLREMOVE"}, {0x2000, "POLLRDHUP"}};
inline constexpr FlagSet poll_event_set {poll_event_names, "0"};

inline constexpr FlagName getrandom_flag_names[] = {{1, "GRND_NONBLOCK"}, {2, "GRND_RANDOM"}, {4, "GRND_INSECURE"}};
inline constexpr FlagSet getrandom_flag_set {getrandom_flag_names, "0"};

inline constexpr ValueName fadvise_advice_names[] = {{0, "POSIX_FADV_NORMAL"}, {1, "POSIX_FADV_RANDOM"},
    {2, "POSIX_FADV_SEQUENTIAL"}, {3, "POSIX_FADV_WILLNEED"}, {4, "POSIX_FADV_DONTNEED"}, {5, "POSIX_FADV_NOREUSE"}};
inline constexpr ValueSet fadvise_advice_set {fadvise_advice_names};

inline constexpr ValueName sigprocmask_how_names[] = {{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}};
inline constexpr ValueSet sigprocmask_how_set {sigprocmask_how_names};

/// sigaction's flags in the order strace prints them.
inline constexpr FlagName sigaction_flag_names[] = {{0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"},
    {0x10000000, "SA_RESTART"}, {0x40000000, "SA_NODEFER"}, {0x80000000, "SA_RESETHAND"}, {4, "SA_SIGINFO"},
    {1, "SA_NOCLDSTOP"}, {2, "SA_NOCLDWAIT"}};
inline constexpr FlagSet sigaction_flag_set {sigaction_flag_names, "0"};

inline constexpr ValueName address_family_names[] = {{0, "AF_UNSPEC"}, {1, "AF_UNIX"}, {2, "AF_INET"},
    {10, "AF_INET6"}, {16, "AF_NETLINK"}, {17, "AF_PACKET"}};
inline constexpr ValueSet address_family_set {address_family_names};

inline constexpr FlagName access_mode_names[] = {{4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"}};
inline constexpr FlagSet access_mode_set {access_mode_names, "F_OK"};

inline constexpr FlagName at_flag_names[] = {{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"},
    {0x400, "AT_SYMLINK_FOLLOW"}, {0x800, "AT_NO_AUTOMOUNT"}, {0x1000, "AT_EMPTY_PATH"}};
inline constexpr FlagSet at_flag_set {at_flag_names, "0"};
/// statx's sync types, in the bits AT_STATX_SYNC_TYPE covers; the other flags are at_flag_set's.
inline constexpr u64 statx_sync_type_mask = 0x6000;
inline constexpr ValueName statx_sync_type_names[] = {{0, "AT_STATX_SYNC_AS_STAT"}, {0x2000, "AT_STATX_FORCE_SYNC"},
    {0x4000, "AT_STATX_DONT_SYNC"}};
inline constexpr ValueSet statx_sync_type_set {statx_sync_type_names};
/// In strace's order: the groups first, so that 0xfff reads STATX_ALL and 0x7ff STATX_BASIC_STATS.
inline constexpr FlagName statx_mask_names[] = {{0xfff, "STATX_ALL"}, {0x7ff, "STATX_BASIC_STATS"}, {0x1, "STATX_TYPE"},
    {0x2, "STATX_MODE"}, {0x4, "STATX_NLINK"}, {0x8, "STATX_UID"}, {0x10, "STATX_GID"}, {0x20, "STATX_ATIME"},
    {0x40, "STATX_MTIME"}, {0x80, "STATX_CTIME"}, {0x100, "STATX_INO"}, {0x200, "STATX_SIZE"}, {0x400, "STATX_BLOCKS"},
    {0x800, "STATX_BTIME"}, {0x1000, "STATX_MNT_ID"}, {0x2000, "STATX_DIOALIGN"}};
inline constexpr FlagSet statx_mask_set {statx_mask_names, "0"};
inline constexpr FlagName statx_attribute_names[] = {{0x4, "STATX_ATTR_COMPRESSED"}, {0x10, "STATX_ATTR_IMMUTABLE"},
    {0x20, "STATX_ATTR_APPEND"}, {0x40, "STATX_ATTR_NODUMP"}, {0x800, "STATX_ATTR_ENCRYPTED"},
    {0x1000, "STATX_ATTR_AUTOMOUNT"}, {0x2000, "STATX_ATTR_MOUNT_ROOT"}, {0x100000, "STATX_ATTR_VERITY"},
    {0x200000, "STATX_ATTR_DAX"}};
inline constexpr FlagSet statx_attribute_set {statx_attribute_names, "0"};

/// prctl's options that Linux has, by number (strace prints the others in hex, /* PR_??? */).
inline constexpr ValueName prctl_option_names[] = {{1, "PR_SET_PDEATHSIG"}, {2, "PR_GET_PDEATHSIG"},
    {3, "PR_GET_DUMPABLE"}, {4, "PR_SET_DUMPABLE"}, {5, "PR_GET_UNALIGN"}, {6, "PR_SET_UNALIGN"},
    {7, "PR_GET_KEEPCAPS"}, {8, "PR_SET_KEEPCAPS"}, {9, "PR_GET_FPEMU"}, {10, "PR_SET_FPEMU"}, {11, "PR_GET_FPEXC"},
    {12, "PR_SET_FPEXC"}, {13, "PR_GET_TIMING"}, {14, "PR_SET_TIMING"}, {15, "PR_SET_NAME"}, {16, "PR_GET_NAME"},
    {19, "PR_GET_ENDIAN"}, {20, "PR_SET_ENDIAN"}, {21, "PR_GET_SECCOMP"}, {22, "PR_SET_SECCOMP"},
    {23, "PR_CAPBSET_READ"}, {24, "PR_CAPBSET_DROP"}, {25, "PR_GET_TSC"}, {26, "PR_SET_TSC"},
    {27, "PR_GET_SECUREBITS"}, {28, "PR_SET_SECUREBITS"}, {29, "PR_SET_TIMERSLACK"}, {30, "PR_GET_TIMERSLACK"},
    {31, "PR_TASK_PERF_EVENTS_DISABLE"}, {32, "PR_TASK_PERF_EVENTS_ENABLE"}, {33, "PR_MCE_KILL"},
    {34, "PR_MCE_KILL_GET"}, {35, "PR_SET_MM"}, {36, "PR_SET_CHILD_SUBREAPER"}, {37, "PR_GET_CHILD_SUBREAPER"},
    {38, "PR_SET_NO_NEW_PRIVS"}, {39, "PR_GET_NO_NEW_PRIVS"}, {40, "PR_GET_TID_ADDRESS"}, {41, "PR_SET_THP_DISABLE"},
    {42, "PR_GET_THP_DISABLE"}, {43, "PR_MPX_ENABLE_MANAGEMENT"}, {44, "PR_MPX_DISABLE_MANAGEMENT"},
    {45, "PR_SET_FP_MODE"}, {46, "PR_GET_FP_MODE"}, {47, "PR_CAP_AMBIENT"}, {50, "PR_SVE_SET_VL"},
    {51, "PR_SVE_GET_VL"}, {52, "PR_GET_SPECULATION_CTRL"}, {53, "PR_SET_SPECULATION_CTRL"},
    {54, "PR_PAC_RESET_KEYS"}, {55, "PR_SET_TAGGED_ADDR_CTRL"}, {56, "PR_GET_TAGGED_ADDR_CTRL"},
    {57, "PR_SET_IO_FLUSHER"}, {58, "PR_GET_IO_FLUSHER"}, {59, "PR_SET_SYSCALL_USER_DISPATCH"},
    {0x59616d61, "PR_SET_PTRACER"}, {0x53564d41, "PR_SET_VMA"}};
inline constexpr ValueSet prctl_option_set {prctl_option_names};
inline constexpr ValueName dumpable_names[] = {{0, "SUID_DUMP_DISABLE"}, {1, "SUID_DUMP_USER"}, {2, "SUID_DUMP_ROOT"}};
inline constexpr ValueSet dumpable_set {dumpable_names};
inline constexpr ValueName cap_ambient_op_names[] = {{1, "PR_CAP_AMBIENT_IS_SET"}, {2, "PR_CAP_AMBIENT_RAISE"},
    {3, "PR_CAP_AMBIENT_LOWER"}, {4, "PR_CAP_AMBIENT_CLEAR_ALL"}};
inline constexpr ValueSet cap_ambient_op_set {cap_ambient_op_names};
inline constexpr ValueName capability_names[] = {{0, "CAP_CHOWN"}, {1, "CAP_DAC_OVERRIDE"}, {2, "CAP_DAC_READ_SEARCH"},
    {3, "CAP_FOWNER"}, {4, "CAP_FSETID"}, {5, "CAP_KILL"}, {6, "CAP_SETGID"}, {7, "CAP_SETUID"}, {8, "CAP_SETPCAP"},
    {9, "CAP_LINUX_IMMUTABLE"}, {10, "CAP_NET_BIND_SERVICE"}, {11, "CAP_NET_BROADCAST"}, {12, "CAP_NET_ADMIN"},
    {13, "CAP_NET_RAW"}, {14, "CAP_IPC_LOCK"}, {15, "CAP_IPC_OWNER"}, {16, "CAP_SYS_MODULE"}, {17, "CAP_SYS_RAWIO"},
    {18, "CAP_SYS_CHROOT"}, {19, "CAP_SYS_PTRACE"}, {20, "CAP_SYS_PACCT"}, {21, "CAP_SYS_ADMIN"}, {22, "CAP_SYS_BOOT"},
    {23, "CAP_SYS_NICE"}, {24, "CAP_SYS_RESOURCE"}, {25, "CAP_SYS_TIME"}, {26, "CAP_SYS_TTY_CONFIG"}, {27, "CAP_MKNOD"},
    {28, "CAP_LEASE"}, {29, "CAP_AUDIT_WRITE"}, {30, "CAP_AUDIT_CONTROL"}, {31, "CAP_SETFCAP"}, {32, "CAP_MAC_OVERRIDE"},
    {33, "CAP_MAC_ADMIN"}, {34, "CAP_SYSLOG"}, {35, "CAP_WAKE_ALARM"}, {36, "CAP_BLOCK_SUSPEND"}, {37, "CAP_AUDIT_READ"},
    {38, "CAP_PERFMON"}, {39, "CAP_BPF"}, {40, "CAP_CHECKPOINT_RESTORE"}};
inline constexpr ValueSet capability_set {capability_names};
inline constexpr FlagName securebit_names[] = {{0x1, "SECBIT_NOROOT"}, {0x2, "SECBIT_NOROOT_LOCKED"},
    {0x4, "SECBIT_NO_SETUID_FIXUP"}, {0x8, "SECBIT_NO_SETUID_FIXUP_LOCKED"}, {0x10, "SECBIT_KEEP_CAPS"},
    {0x20, "SECBIT_KEEP_CAPS_LOCKED"}, {0x40, "SECBIT_NO_CAP_AMBIENT_RAISE"},
    {0x80, "SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED"}};
inline constexpr FlagSet securebit_set {securebit_names, "0"};

/// faccessat2's flags: 0x200 is AT_EACCESS there, not AT_REMOVEDIR.
inline constexpr FlagName faccessat_flag_names[] = {{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_EACCESS"},
    {0x1000, "AT_EMPTY_PATH"}};
inline constexpr FlagSet faccessat_flag_set {faccessat_flag_names, "0"};

inline constexpr FlagName wait_option_names[] = {{1, "WNOHANG"}, {2, "WUNTRACED"}, {8, "WCONTINUED"},
    {0x20000000, "__WNOTHREAD"}, {0x40000000, "__WALL"}, {0x80000000, "__WCLONE"}};
inline constexpr FlagSet wait_option_set {wait_option_names, "0"};

inline constexpr ValueName seek_whence_names[] = {{0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"},
    {3, "SEEK_DATA"}, {4, "SEEK_HOLE"}};
inline constexpr ValueSet seek_whence_set {seek_whence_names};

inline constexpr ValueName arch_prctl_code_names[] = {{0x1001, "ARCH_SET_GS"}, {0x1002, "ARCH_SET_FS"},
    {0x1003, "ARCH_GET_FS"}, {0x1004, "ARCH_GET_GS"}, {0x1011, "ARCH_GET_CPUID"}, {0x1012, "ARCH_SET_CPUID"},
    {0x3001, "ARCH_CET_STATUS"}};
inline constexpr ValueSet arch_prctl_code_set {arch_prctl_code_names};

inline constexpr ValueName rlimit_resource_names[] = {{0, "RLIMIT_CPU"}, {1, "RLIMIT_FSIZE"}, {2, "RLIMIT_DATA"},
    {3, "RLIMIT_STACK"}, {4, "RLIMIT_CORE"}, {5, "RLIMIT_RSS"}, {6, "RLIMIT_NPROC"}, {7, "RLIMIT_NOFILE"},
    {8, "RLIMIT_MEMLOCK"}, {9, "RLIMIT_AS"}, {10, "RLIMIT_LOCKS"}, {11, "RLIMIT_SIGPENDING"},
    {12, "RLIMIT_MSGQUEUE"}, {13, "RLIMIT_NICE"}, {14, "RLIMIT_RTPRIO"}, {15, "RLIMIT_RTTIME"}};
inline constexpr ValueSet rlimit_resource_set {rlimit_resource_names};

/// The futex operations as strace names them: the command with its PRIVATE and CLOCK_REALTIME
/// bits folded in.
inline constexpr ValueName futex_op_names[] = {{0, "FUTEX_WAIT"}, {1, "FUTEX_WAKE"}, {2, "FUTEX_FD"},
    {3, "FUTEX_REQUEUE"}, {4, "FUTEX_CMP_REQUEUE"}, {5, "FUTEX_WAKE_OP"}, {6, "FUTEX_LOCK_PI"},
    {7, "FUTEX_UNLOCK_PI"}, {8, "FUTEX_TRYLOCK_PI"}, {9, "FUTEX_WAIT_BITSET"}, {10, "FUTEX_WAKE_BITSET"},
    {11, "FUTEX_WAIT_REQUEUE_PI"}, {12, "FUTEX_CMP_REQUEUE_PI"}, {13, "FUTEX_LOCK_PI2"},
    {128, "FUTEX_WAIT_PRIVATE"}, {129, "FUTEX_WAKE_PRIVATE"}, {131, "FUTEX_REQUEUE_PRIVATE"},
    {132, "FUTEX_CMP_REQUEUE_PRIVATE"}, {133, "FUTEX_WAKE_OP_PRIVATE"}, {134, "FUTEX_LOCK_PI_PRIVATE"},
    {135, "FUTEX_UNLOCK_PI_PRIVATE"}, {136, "FUTEX_TRYLOCK_PI_PRIVATE"}, {137, "FUTEX_WAIT_BITSET_PRIVATE"},
    {138, "FUTEX_WAKE_BITSET_PRIVATE"}, {256 | 9, "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME"},
    {256 | 137, "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME"}};
inline constexpr ValueSet futex_op_set {futex_op_names};

inline constexpr ValueName madvise_advice_names[] = {{0, "MADV_NORMAL"}, {1, "MADV_RANDOM"}, {2, "MADV_SEQUENTIAL"},
    {3, "MADV_WILLNEED"}, {4, "MADV_DONTNEED"}, {8, "MADV_FREE"}, {9, "MADV_REMOVE"}, {10, "MADV_DONTFORK"},
    {11, "MADV_DOFORK"}, {12, "MADV_MERGEABLE"}, {13, "MADV_UNMERGEABLE"}, {14, "MADV_HUGEPAGE"},
    {15, "MADV_NOHUGEPAGE"}, {16, "MADV_DONTDUMP"}, {17, "MADV_DODUMP"}, {18, "MADV_WIPEONFORK"},
    {19, "MADV_KEEPONFORK"}, {20, "MADV_COLD"}, {21, "MADV_PAGEOUT"}, {22, "MADV_POPULATE_READ"},
    {23, "MADV_POPULATE_WRITE"}, {24, "MADV_DONTNEED_LOCKED"}, {25, "MADV_COLLAPSE"}, {100, "MADV_HWPOISON"},
    {101, "MADV_SOFT_OFFLINE"}};
inline constexpr ValueSet madvise_advice_set {madvise_advice_names};

inline constexpr ValueName fcntl_command_names[] = {{0, "F_DUPFD"}, {1, "F_GETFD"}, {2, "F_SETFD"}, {3, "F_GETFL"},
    {4, "F_SETFL"}, {5, "F_GETLK"}, {6, "F_SETLK"}, {7, "F_SETLKW"}, {8, "F_SETOWN"}, {9, "F_GETOWN"}, {10, "F_SETSIG"},
    {11, "F_GETSIG"}, {15, "F_SETOWN_EX"}, {16, "F_GETOWN_EX"}, {17, "F_GETOWNER_UIDS"}, {36, "F_OFD_GETLK"},
    {37, "F_OFD_SETLK"}, {38, "F_OFD_SETLKW"}, {1024, "F_SETLEASE"}, {1025, "F_GETLEASE"}, {1026, "F_NOTIFY"},
    {1030, "F_DUPFD_CLOEXEC"}, {1031, "F_SETPIPE_SZ"}, {1032, "F_GETPIPE_SZ"}, {1033, "F_ADD_SEALS"},
    {1034, "F_GET_SEALS"}};
inline constexpr ValueSet fcntl_command_set {fcntl_command_names};
inline constexpr FlagName fd_flag_names[] = {{1, "FD_CLOEXEC"}};
inline constexpr FlagSet fd_flag_set {fd_flag_names, "0"};
inline constexpr FlagName seal_names[] = {{0x1, "F_SEAL_SEAL"}, {0x2, "F_SEAL_SHRINK"}, {0x4, "F_SEAL_GROW"},
    {0x8, "F_SEAL_WRITE"}, {0x10, "F_SEAL_FUTURE_WRITE"}};
inline constexpr FlagSet seal_set {seal_names, "0"};
inline constexpr ValueName lease_names[] = {{0, "F_RDLCK"}, {1, "F_WRLCK"}, {2, "F_UNLCK"}};
inline constexpr ValueSet lease_set {lease_names};

/// ioctl requests by name (Linux's asm-generic/ioctls.h values on x86-64).
inline constexpr ValueName ioctl_request_names[] = {{0x5401, "TCGETS"}, {0x5402, "TCSETS"}, {0x5403, "TCSETSW"},
    {0x5404, "TCSETSF"}, {0x5409, "TCSBRK"}, {0x540a, "TCXONC"}, {0x540b, "TCFLSH"}, {0x540c, "TIOCEXCL"},
    {0x540d, "TIOCNXCL"}, {0x540e, "TIOCSCTTY"}, {0x540f, "TIOCGPGRP"}, {0x5410, "TIOCSPGRP"},
    {0x5411, "TIOCOUTQ"}, {0x5412, "TIOCSTI"}, {0x5413, "TIOCGWINSZ"}, {0x5414, "TIOCSWINSZ"},
    {0x541b, "FIONREAD"}, {0x541c, "TIOCLINUX"}, {0x541d, "TIOCCONS"}, {0x5421, "FIONBIO"},
    {0x5422, "TIOCNOTTY"}, {0x5429, "TIOCGSID"}, {0x5450, "FIONCLEX"}, {0x5451, "FIOCLEX"},
    {0x5452, "FIOASYNC"}, {0x80045430, "TIOCGPTN"}, {0x40045431, "TIOCSPTLCK"}, {0x80045432, "TIOCGDEV"},
    {0x5441, "TIOCGPTPEER"}, {0x4020940d, "FS_IOC_GETFSLABEL"}, {0x80086601, "FS_IOC_GETFLAGS"}};
inline constexpr ValueSet ioctl_request_set {ioctl_request_names};

} // namespace asterix::services::strace
