// The permission block shared by System V shared memory, semaphores and message queues.

#include "services/ipc/ipc_object.h"

#include "frame/clock.h"

namespace asterix::services {

abi::Ipc64Perm IpcPerm::to_abi() const
{
    abi::Ipc64Perm out {};
    out.key = key;
    out.uid = uid;
    out.gid = gid;
    out.cuid = cuid;
    out.cgid = cgid;
    out.mode = mode;
    out.seq = seq;
    return out;
}

void IpcPerm::set_from(const abi::Ipc64Perm& in)
{
    uid = in.uid;
    gid = in.gid;
    mode = (mode & ~0777u) | (in.mode & 0777u);
}

bool ipc_permits(const Credentials& cred, const IpcPerm& perm, int flag)
{
    int requested = (flag >> 6) | (flag >> 3) | flag;
    u32 granted = perm.mode;
    if (cred.euid == perm.cuid || cred.euid == perm.uid)
        granted >>= 6;
    else if (cred.is_in_group(perm.cgid) || cred.is_in_group(perm.gid))
        granted >>= 3;
    if ((static_cast<u32>(requested) & ~granted & 07) == 0)
        return true;
    return cred.has_capability(abi::Capability::ipc_owner);
}

bool ipc_may_control(const Credentials& cred, const IpcPerm& perm)
{
    return cred.euid == perm.cuid || cred.euid == perm.uid || cred.has_capability(abi::Capability::sys_admin);
}

i64 ipc_now_sec() { return static_cast<i64>(frame::realtime_ns() / 1'000'000'000); }

} // namespace asterix::services
