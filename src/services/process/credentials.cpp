#include "services/process/credentials.h"

#include <algorithm>

namespace asterix::services {

Ref<const Credentials> Credentials::for_user(u32 uid, u32 gid)
{
    auto creds = make_ref<Credentials>();
    creds->uid = creds->euid = creds->suid = creds->fsuid = uid;
    creds->gid = creds->egid = creds->sgid = creds->fsgid = gid;
    creds->bounding = CapSet::full();
    if (uid == 0)
        creds->permitted = creds->effective = CapSet::full();
    return creds;
}

Ref<const Credentials> Credentials::kernel()
{
    static const Ref<const Credentials> root = for_user(0, 0);
    return root;
}

Ref<Credentials> Credentials::copy() const { return make_ref<Credentials>(*this); }

bool Credentials::is_in_group(u32 group) const
{
    return group == fsgid || std::find(groups.begin(), groups.end(), group) != groups.end();
}

bool Credentials::is_identity_change_from(const Credentials& old) const
{
    return euid != old.euid || egid != old.egid || fsuid != old.fsuid || fsgid != old.fsgid
        || !permitted.is_subset_of(old.permitted);
}

void Credentials::fix_capabilities_after_setuid(const Credentials& old)
{
    if (securebits & abi::secbit_no_setuid_fixup)
        return;
    bool had_root = old.uid == 0 || old.euid == 0 || old.suid == 0;
    bool has_root = uid == 0 || euid == 0 || suid == 0;
    if (had_root && !has_root) {
        if (!is_keeping_caps())
            permitted = effective = CapSet();
        ambient = CapSet();
    }
    if (old.euid == 0 && euid != 0)
        effective = CapSet();
    if (old.euid != 0 && euid == 0)
        effective = permitted;
}

void Credentials::fix_capabilities_after_setfsuid(const Credentials& old)
{
    if (securebits & abi::secbit_no_setuid_fixup)
        return;
    if (old.fsuid == 0 && fsuid != 0)
        effective = effective.without(CapSet::file_system());
    if (old.fsuid != 0 && fsuid == 0)
        effective = effective | (permitted & CapSet::file_system());
}

bool Credentials::apply_exec(u32 new_euid, u32 new_egid, bool is_setid)
{
    euid = new_euid;
    egid = new_egid;
    if (is_setid)
        ambient = CapSet();
    // Root's programs get the bounding and inheritable sets (capabilities(7), "Capabilities
    // and execution of programs by root"), unless SECBIT_NOROOT says otherwise.
    bool is_root = !(securebits & abi::secbit_noroot) && (euid == 0 || uid == 0);
    permitted = is_root ? (bounding | inheritable) : ambient;
    effective = is_root && euid == 0 ? permitted : ambient;
    suid = fsuid = euid;
    sgid = fsgid = egid;
    securebits &= ~abi::secbit_keep_caps;
    return is_setid || (is_root && uid != 0 && euid == 0);
}

} // namespace asterix::services
