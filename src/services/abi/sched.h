#pragma once

// Linux's clone and scheduling ABI (uapi linux/sched.h): clone(2) flags, struct clone_args and
// scheduling policies.

#include "frame/types.h"

namespace asterix::services::abi {

/// The low byte of clone(2)'s flags: the signal the child sends its parent when it exits.
inline constexpr u64 csignal = 0xff;
inline constexpr u64 clone_vm = 0x100;
inline constexpr u64 clone_fs = 0x200;
inline constexpr u64 clone_files = 0x400;
inline constexpr u64 clone_sighand = 0x800;
inline constexpr u64 clone_pidfd = 0x1000;
inline constexpr u64 clone_ptrace = 0x2000;
inline constexpr u64 clone_vfork = 0x4000;
inline constexpr u64 clone_parent = 0x8000;
inline constexpr u64 clone_thread = 0x10000;
inline constexpr u64 clone_newns = 0x20000;
inline constexpr u64 clone_sysvsem = 0x40000;
inline constexpr u64 clone_settls = 0x80000;
inline constexpr u64 clone_parent_settid = 0x100000;
inline constexpr u64 clone_child_cleartid = 0x200000;
inline constexpr u64 clone_detached = 0x400000;
inline constexpr u64 clone_untraced = 0x800000;
inline constexpr u64 clone_child_settid = 0x01000000;
inline constexpr u64 clone_io = 0x80000000ull;
// The namespace flags, which Asterix refuses until it has namespaces.
inline constexpr u64 clone_newcgroup = 0x02000000;
inline constexpr u64 clone_newuts = 0x04000000;
inline constexpr u64 clone_newipc = 0x08000000;
inline constexpr u64 clone_newuser = 0x10000000;
inline constexpr u64 clone_newpid = 0x20000000;
inline constexpr u64 clone_newnet = 0x40000000;
/// clone3-only flags (above the 32 bits clone(2) takes).
inline constexpr u64 clone_clear_sighand = 0x100000000ull;
inline constexpr u64 clone_into_cgroup = 0x200000000ull;
/// MAX_PID_NS_LEVEL: the most entries clone3's set_tid array may have.
inline constexpr u64 max_pid_ns_level = 32;

/// SCHED_OTHER: the default, time-shared scheduling policy.
inline constexpr int sched_other = 0;
inline constexpr int sched_fifo = 1;
inline constexpr int sched_rr = 2;
inline constexpr int sched_batch = 3;
inline constexpr int sched_idle = 5;
inline constexpr int sched_deadline = 6;
/// Or'ed into a policy: the children of the thread start with the default policy.
inline constexpr int sched_reset_on_fork = 0x40000000;
/// Real-time priorities run from 1 to MAX_RT_PRIO - 1.
inline constexpr u32 max_rt_prio = 100;
/// SCHED_RR's time slice (RR_TIMESLICE, 100 ms).
inline constexpr i64 rr_timeslice_ns = 100'000'000;
/// The slice sched_rr_get_interval reports for the fair policies (sysctl_sched_base_slice).
inline constexpr i64 fair_slice_ns = 3'000'000;

/// sched_attr's sched_flags (uapi linux/sched.h SCHED_FLAG_*).
inline constexpr u64 sched_flag_reset_on_fork = 0x01;
inline constexpr u64 sched_flag_reclaim = 0x02;
inline constexpr u64 sched_flag_dl_overrun = 0x04;
inline constexpr u64 sched_flag_keep_policy = 0x08;
inline constexpr u64 sched_flag_keep_params = 0x10;
inline constexpr u64 sched_flag_util_clamp_min = 0x20;
inline constexpr u64 sched_flag_util_clamp_max = 0x40;
inline constexpr u64 sched_flag_util_clamp = sched_flag_util_clamp_min | sched_flag_util_clamp_max;
inline constexpr u64 sched_flag_all = 0x7f;
/// SCHED_FLAG_SUGOV: the kernel's own schedutil threads; accepted by the flag check only.
inline constexpr u64 sched_flag_sugov = 0x10000000;
/// SCHED_CAPACITY_SCALE: the highest utilisation clamp, and the default maximum.
inline constexpr u32 sched_capacity_scale = 1024;
/// SCHED_DEADLINE's runtime must be at least 1 << DL_SCALE nanoseconds.
inline constexpr u64 dl_scale = 10;
/// The default bounds of a SCHED_DEADLINE period (sched_deadline_period_min_us/max_us), in ns.
inline constexpr u64 dl_period_min_ns = 100 * 1000;
inline constexpr u64 dl_period_max_ns = (1ull << 22) * 1000;
/// The bounds of a fair task's own slice (sched_attr's runtime), in ns.
inline constexpr u64 fair_slice_min_ns = 100'000;
inline constexpr u64 fair_slice_max_ns = 100'000'000;
/// The share of the CPU deadline tasks may take (sched_rt_runtime_us / sched_rt_period_us).
inline constexpr u64 dl_bandwidth_percent = 95;
/// SCHED_DEADLINE's times must leave the sign bit clear.
inline constexpr u64 dl_sign_bit = 1ull << 63;

/// struct sched_attr (sched_setattr(2)), as of SCHED_ATTR_SIZE_VER1.
struct SchedAttr {
    u32 size;
    u32 sched_policy;
    u64 sched_flags;
    i32 sched_nice;
    u32 sched_priority;
    u64 sched_runtime;
    u64 sched_deadline;
    u64 sched_period;
    u32 sched_util_min;
    u32 sched_util_max;
};
/// SCHED_ATTR_SIZE_VER0: the first struct sched_attr, without the utilisation clamps.
inline constexpr u32 sched_attr_size_ver0 = 48;
inline constexpr u32 sched_attr_size_ver1 = 56;
static_assert(sizeof(SchedAttr) == sched_attr_size_ver1);

/// struct clone_args (clone3), up to the fields Linux 5.7 has.
struct CloneArgs {
    u64 flags;
    u64 pidfd;
    u64 child_tid;
    u64 parent_tid;
    u64 exit_signal;
    u64 stack;
    u64 stack_size;
    u64 tls;
    u64 set_tid;
    u64 set_tid_size;
    u64 cgroup;
};

/// CLONE_ARGS_SIZE_VER0: the first struct clone_args, which clone3(2) must at least get.
inline constexpr u64 clone_args_size_ver0 = 64;

/// The CPU share of a fair task by nice value, -20..19 (kernel/sched/core.c's
/// sched_prio_to_weight): each step is about 10% of the CPU against a task one step away;
/// nice 0 is 1024. SCHED_IDLE tasks weigh 3 (WEIGHT_IDLEPRIO).
inline constexpr u32 sched_prio_to_weight[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
    1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
    110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
};
inline constexpr u32 weight_idleprio = 3;

} // namespace asterix::services::abi
