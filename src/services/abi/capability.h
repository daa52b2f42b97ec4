#pragma once

// Capabilities (linux/capability.h).

#include "frame/types.h"

namespace asterix::services::abi {

enum class Capability : u8 {
    chown = 0,
    dac_override = 1,
    dac_read_search = 2,
    fowner = 3,
    fsetid = 4,
    kill = 5,
    setgid = 6,
    setuid = 7,
    setpcap = 8,
    linux_immutable = 9,
    net_bind_service = 10,
    net_broadcast = 11,
    net_admin = 12,
    net_raw = 13,
    ipc_lock = 14,
    ipc_owner = 15,
    sys_module = 16,
    sys_rawio = 17,
    sys_chroot = 18,
    sys_ptrace = 19,
    sys_pacct = 20,
    sys_admin = 21,
    sys_boot = 22,
    sys_nice = 23,
    sys_resource = 24,
    sys_time = 25,
    sys_tty_config = 26,
    mknod = 27,
    lease = 28,
    audit_write = 29,
    audit_control = 30,
    setfcap = 31,
    mac_override = 32,
    mac_admin = 33,
    syslog = 34,
    wake_alarm = 35,
    block_suspend = 36,
    audit_read = 37,
    perfmon = 38,
    bpf = 39,
    checkpoint_restore = 40,
};

/// The highest capability number this kernel knows (CAP_LAST_CAP).
inline constexpr Capability cap_last_cap = Capability::checkpoint_restore;

/// capget/capset header versions (_LINUX_CAPABILITY_VERSION_1..3).
inline constexpr u32 linux_capability_version_1 = 0x19980330;
inline constexpr u32 linux_capability_version_2 = 0x20071026;
inline constexpr u32 linux_capability_version_3 = 0x20080522;

/// Securebits (linux/securebits.h): the flag bits and their lock bits.
inline constexpr u32 secbit_noroot = 1u << 0;
inline constexpr u32 secbit_noroot_locked = 1u << 1;
inline constexpr u32 secbit_no_setuid_fixup = 1u << 2;
inline constexpr u32 secbit_no_setuid_fixup_locked = 1u << 3;
inline constexpr u32 secbit_keep_caps = 1u << 4;
inline constexpr u32 secbit_keep_caps_locked = 1u << 5;
inline constexpr u32 secbit_no_cap_ambient_raise = 1u << 6;
inline constexpr u32 secbit_no_cap_ambient_raise_locked = 1u << 7;
/// Every securebit flag, and every lock bit (each lock is its flag shifted left by one).
inline constexpr u32 secure_all_bits = secbit_noroot | secbit_no_setuid_fixup | secbit_keep_caps | secbit_no_cap_ambient_raise;
inline constexpr u32 secure_all_locks = secure_all_bits << 1;

} // namespace asterix::services::abi

namespace asterix::services::abi {

/// capget/capset's header and one 32-bit slice of the three sets (linux/capability.h).
struct CapUserHeader {
    u32 version;
    i32 pid;
};

struct CapUserData {
    u32 effective;
    u32 permitted;
    u32 inheritable;
};

} // namespace asterix::services::abi
