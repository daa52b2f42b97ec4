// capget, capset, and prctl's capability options (capabilities(7), prctl(2))

#include <optional>

#include "services/abi/prctl.h"
#include "services/process/process_table.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
using abi::Capability;

/// How many 32-bit slices a header's version copies; EINVAL (with the kernel's preferred
/// version written back) for a version the kernel does not know (capget(2)).
Result<usize> slices_of(Context& ctx, UserPtr<abi::CapUserHeader> header, abi::CapUserHeader& value)
{
    value = TRY(ctx.user().read(header));
    switch (value.version) {
    case abi::linux_capability_version_1:
        return 1;
    case abi::linux_capability_version_2:
    case abi::linux_capability_version_3:
        return 2;
    default:
        value.version = abi::linux_capability_version_3;
        TRY(ctx.user().write(header, value));
        return Errno::einval;
    }
}

bool is_valid(u64 cap) { return cap <= static_cast<u64>(abi::cap_last_cap); }

/// Installs a change of the calling thread's credentials.
long commit(Context& ctx, Ref<Credentials> changed)
{
    ctx.thread().set_credentials(std::move(changed));
    return 0;
}

Result<long> set_securebits(Context& ctx, u64 bits)
{
    const Credentials& old = ctx.thread().credentials();
    // A locked flag cannot change, a lock cannot be released, unknown bits are refused, and
    // only CAP_SETPCAP may change any of it.
    u64 locked = (old.securebits & abi::secure_all_locks) >> 1;
    if ((locked & (old.securebits ^ bits)) || (old.securebits & abi::secure_all_locks & ~bits)
        || (bits & ~u64 {abi::secure_all_bits | abi::secure_all_locks}) || !old.has_capability(Capability::setpcap))
        return Errno::eperm;
    auto changed = old.copy();
    changed->securebits = static_cast<u32>(bits);
    return commit(ctx, std::move(changed));
}

Result<long> ambient(Context& ctx, u64 operation, u64 cap, u64 arg4, u64 arg5)
{
    const Credentials& old = ctx.thread().credentials();
    if (operation == abi::pr_cap_ambient_clear_all) {
        if (cap || arg4 || arg5)
            return Errno::einval;
        auto changed = old.copy();
        changed->ambient = CapSet();
        return commit(ctx, std::move(changed));
    }
    if (!is_valid(cap) || arg4 || arg5)
        return Errno::einval;
    auto which = static_cast<Capability>(cap);
    switch (operation) {
    case abi::pr_cap_ambient_is_set:
        return old.ambient.has(which) ? 1 : 0;
    case abi::pr_cap_ambient_raise: {
        // capabilities(7): an ambient capability must be permitted and inheritable.
        if (!old.permitted.has(which) || !old.inheritable.has(which) || (old.securebits & abi::secbit_no_cap_ambient_raise))
            return Errno::eperm;
        auto changed = old.copy();
        changed->ambient.add(which);
        return commit(ctx, std::move(changed));
    }
    case abi::pr_cap_ambient_lower: {
        auto changed = old.copy();
        changed->ambient.remove(which);
        return commit(ctx, std::move(changed));
    }
    default:
        return Errno::einval;
    }
}
} // namespace

Result<long> sys_capget(Context& ctx, UserPtr<abi::CapUserHeader> header, UserPtr<abi::CapUserData> data)
{
    abi::CapUserHeader value {};
    auto slices = slices_of(ctx, header, value);
    if (data.is_null())
        return slices.is_error() && slices.error() != Errno::einval ? Result<long>(slices.error()) : Result<long>(0);
    TRY(slices);
    if (value.pid < 0)
        return Errno::einval;
    const Credentials* creds = &ctx.thread().credentials();
    if (value.pid != 0 && value.pid != ctx.thread().tid()) {
        Thread* target = ProcessTable::find_thread(value.pid);
        if (!target)
            return Errno::esrch;
        creds = &target->credentials();
    }
    for (usize i = 0; i < slices.value(); ++i) {
        auto slice = [i](CapSet set) { return static_cast<u32>(set.bits() >> (32 * i)); };
        abi::CapUserData out {slice(creds->effective), slice(creds->permitted), slice(creds->inheritable)};
        TRY(ctx.user().write(data.element(i), out));
    }
    return 0;
}

Result<long> sys_capset(Context& ctx, UserPtr<abi::CapUserHeader> header, UserPtr<abi::CapUserData> data)
{
    abi::CapUserHeader value {};
    usize slices = TRY(slices_of(ctx, header, value));
    // Only the calling thread's own sets may be changed.
    if (value.pid != 0 && value.pid != ctx.thread().tid())
        return Errno::eperm;
    u64 effective = 0, permitted = 0, inheritable = 0;
    for (usize i = 0; i < slices; ++i) {
        auto in = TRY(ctx.user().read(data.element(i)));
        effective |= u64 {in.effective} << (32 * i);
        permitted |= u64 {in.permitted} << (32 * i);
        inheritable |= u64 {in.inheritable} << (32 * i);
    }
    const Credentials& old = ctx.thread().credentials();
    auto changed = old.copy();
    changed->effective = CapSet::from_bits(effective);
    changed->permitted = CapSet::from_bits(permitted);
    changed->inheritable = CapSet::from_bits(inheritable);
    // capset(2): the inheritable set grows only within the permitted (unless CAP_SETPCAP) and
    // the bounding sets; the permitted set never grows; the effective set is permitted.
    if (!old.has_capability(Capability::setpcap) && !changed->inheritable.is_subset_of(old.inheritable | old.permitted))
        return Errno::eperm;
    if (!changed->inheritable.is_subset_of(old.inheritable | old.bounding))
        return Errno::eperm;
    if (!changed->permitted.is_subset_of(old.permitted) || !changed->effective.is_subset_of(changed->permitted))
        return Errno::eperm;
    changed->ambient = changed->ambient & changed->permitted & changed->inheritable;
    return commit(ctx, std::move(changed));
}

std::optional<Result<long>> prctl_privileges(Context& ctx, int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5)
{
    const Credentials& creds = ctx.thread().credentials();
    switch (option) {
    case abi::pr_capbset_read:
        if (!is_valid(arg2))
            return Result<long>(Errno::einval);
        return Result<long>(creds.bounding.has(static_cast<Capability>(arg2)) ? 1 : 0);
    case abi::pr_capbset_drop: {
        if (!creds.has_capability(Capability::setpcap))
            return Result<long>(Errno::eperm);
        if (!is_valid(arg2))
            return Result<long>(Errno::einval);
        auto changed = creds.copy();
        changed->bounding.remove(static_cast<Capability>(arg2));
        return Result<long>(commit(ctx, std::move(changed)));
    }
    case abi::pr_get_keepcaps:
        return Result<long>(creds.is_keeping_caps() ? 1 : 0);
    case abi::pr_set_keepcaps: {
        if (arg2 > 1)
            return Result<long>(Errno::einval);
        if (creds.securebits & abi::secbit_keep_caps_locked)
            return Result<long>(Errno::eperm);
        auto changed = creds.copy();
        changed->securebits = arg2 ? changed->securebits | abi::secbit_keep_caps : changed->securebits & ~abi::secbit_keep_caps;
        return Result<long>(commit(ctx, std::move(changed)));
    }
    case abi::pr_get_securebits:
        return Result<long>(creds.securebits);
    case abi::pr_set_securebits:
        return set_securebits(ctx, arg2);
    case abi::pr_cap_ambient:
        return ambient(ctx, arg2, arg3, arg4, arg5);
    case abi::pr_set_no_new_privs:
        if (arg2 != 1 || arg3 || arg4 || arg5)
            return Result<long>(Errno::einval);
        ctx.thread().set_no_new_privs();
        return Result<long>(0);
    case abi::pr_get_no_new_privs:
        if (arg2 || arg3 || arg4 || arg5)
            return Result<long>(Errno::einval);
        return Result<long>(ctx.thread().has_no_new_privs() ? 1 : 0);
    default:
        return std::nullopt;
    }
}

} // namespace asterix::services
