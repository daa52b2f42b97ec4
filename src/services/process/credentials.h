#pragma once

#include <vector>

#include "frame/ref.h"
#include "frame/types.h"
#include "services/abi/capability.h"

namespace asterix::services {

/// A set of capabilities, a bit each (Linux's kernel_cap_t).
class CapSet {
public:
    constexpr CapSet() = default;
    /// Every capability this kernel knows.
    static constexpr CapSet full() { return CapSet((2ull << static_cast<int>(abi::cap_last_cap)) - 1); }
    /// The bits a guest gave (capset), without the ones no capability has.
    static constexpr CapSet from_bits(u64 bits) { return CapSet(bits & full().m_bits); }
    /// The capabilities that only matter to file-system access (Linux's CAP_FS_MASK).
    static constexpr CapSet file_system()
    {
        using enum abi::Capability;
        return of({chown, mknod, dac_override, dac_read_search, fowner, fsetid, mac_override});
    }
    static constexpr CapSet of(std::initializer_list<abi::Capability> caps)
    {
        CapSet set;
        for (auto cap : caps)
            set.add(cap);
        return set;
    }

    constexpr bool has(abi::Capability cap) const { return m_bits & bit(cap); }
    constexpr void add(abi::Capability cap) { m_bits |= bit(cap); }
    constexpr void remove(abi::Capability cap) { m_bits &= ~bit(cap); }
    constexpr u64 bits() const { return m_bits; }
    constexpr bool is_empty() const { return m_bits == 0; }
    constexpr bool is_subset_of(CapSet other) const { return (m_bits & ~other.m_bits) == 0; }
    constexpr CapSet operator&(CapSet other) const { return CapSet(m_bits & other.m_bits); }
    constexpr CapSet operator|(CapSet other) const { return CapSet(m_bits | other.m_bits); }
    constexpr CapSet without(CapSet other) const { return CapSet(m_bits & ~other.m_bits); }
    constexpr bool operator==(const CapSet&) const = default;

private:
    constexpr explicit CapSet(u64 bits) : m_bits(bits) {}
    static constexpr u64 bit(abi::Capability cap) { return 1ull << static_cast<int>(cap); }

    u64 m_bits {0};
};

/// What a thread acts as (Linux's struct cred): real, effective, saved and file-system user
/// and group IDs, supplementary groups, capability sets and securebits.
///
/// Credentials are per thread, as on Linux, and shared by threads and processes until one
/// changes them: nobody changes a shared object. A change is made on a copy (`copy()`), then
/// installed whole with Thread::set_credentials (Linux's prepare_creds/commit_creds).
class Credentials : public RefCounted<Credentials> {
public:
    /// Credentials of a user at boot: uid 0 holds every capability, others none.
    static Ref<const Credentials> for_user(u32 uid, u32 gid);
    /// The kernel's own credentials (uid 0, every capability), for lookups the kernel makes
    /// for itself: mounts at boot, the program to run (Linux's init_cred).
    static Ref<const Credentials> kernel();
    Ref<Credentials> copy() const;

    u32 uid {0}, euid {0}, suid {0}, fsuid {0};
    u32 gid {0}, egid {0}, sgid {0}, fsgid {0};
    std::vector<u32> groups;
    CapSet permitted, effective, inheritable, bounding, ambient;
    u32 securebits {0};
    /// PR_SET_KEEPCAPS: the permitted set survives giving up uid 0 (cleared on exec).
    bool is_keeping_caps() const { return securebits & abi::secbit_keep_caps; }

    bool has_capability(abi::Capability cap) const { return effective.has(cap); }
    /// The file-system group or a supplementary group (Linux's in_group_p).
    bool is_in_group(u32 group) const;

    /// A change of effective or file-system IDs, or a gain of permitted capabilities, from
    /// `old` (what makes Linux's commit_creds drop dumpability).
    bool is_identity_change_from(const Credentials& old) const;
    /// After a change of the real, effective or saved uid, the capability rules of
    /// capabilities(7) "Effect of user ID changes on capabilities" (cap_task_fix_setuid).
    void fix_capabilities_after_setuid(const Credentials& old);
    /// After a change of the file-system uid: the file-system capabilities follow it.
    void fix_capabilities_after_setfsuid(const Credentials& old);
    /// execve of a program without file capabilities, setuid `new_euid`/setgid `new_egid`
    /// when the file says so: the transformation of capabilities(7) and the saved and
    /// file-system IDs following the effective ones. True when the program must run in secure
    /// mode (AT_SECURE): it changed IDs, or it gains capabilities its real user lacks.
    bool apply_exec(u32 new_euid, u32 new_egid, bool is_setid);
};

} // namespace asterix::services
