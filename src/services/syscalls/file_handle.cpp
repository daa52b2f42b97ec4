// name_to_handle_at, open_by_handle_at: no file system here exports file handles (hostfs
// cannot find a host file by a handle the host would honour, and tmpfs handles would not
// outlive the instance), so they answer as Linux does for a file system without export
// operations (EOPNOTSUPP), and no handle ever opens (ESTALE).

#include "services/abi/capability.h"
#include "services/abi/fcntl.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

Result<long> sys_name_to_handle_at(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<u32> handle, UserPtr<i32> mount_id, int flags)
{
    if (flags & ~(abi::at_symlink_follow | abi::at_empty_path | abi::at_handle_fid))
        return Errno::einval;
    std::string name = TRY(read_path(ctx, path));
    int at_flags = (flags & abi::at_empty_path) | ((flags & abi::at_symlink_follow) ? 0 : abi::at_symlink_nofollow);
    TRY(lookup_at(ctx, dirfd, name, at_flags));
    return Errno::enotsup;
}

Result<long> sys_open_by_handle_at(Context& ctx, int mount_fd, UserPtr<u32> handle, int flags)
{
    // Linux's handle_to_path: the handle's size, the mount descriptor, then the privilege.
    u32 handle_bytes = TRY(ctx.user().read(handle));
    if (handle_bytes > abi::max_handle_bytes || handle_bytes == 0)
        return Errno::einval;
    if (mount_fd != abi::at_fdcwd)
        TRY(ctx.files().get(mount_fd));
    if (!ctx.thread().credentials().has_capability(abi::Capability::dac_read_search))
        return Errno::eperm;
    return Errno::estale;
}

} // namespace asterix::services
