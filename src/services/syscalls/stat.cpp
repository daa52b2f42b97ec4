// stat, lstat, fstat, newfstatat

#include "frame/host_file.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {

abi::Stat to_abi(const frame::FileStat& st)
{
    abi::Stat out {};
    out.dev = st.dev;
    out.ino = st.ino;
    out.nlink = st.nlink;
    out.mode = st.mode;
    out.uid = st.uid;
    out.gid = st.gid;
    out.rdev = st.rdev;
    out.size = st.size;
    out.blksize = st.blksize;
    out.blocks = st.blocks;
    out.atime_sec = static_cast<u64>(st.atime_sec);
    out.atime_nsec = static_cast<u64>(st.atime_nsec);
    out.mtime_sec = static_cast<u64>(st.mtime_sec);
    out.mtime_nsec = static_cast<u64>(st.mtime_nsec);
    out.ctime_sec = static_cast<u64>(st.ctime_sec);
    out.ctime_nsec = static_cast<u64>(st.ctime_nsec);
    return out;
}

Result<long> stat_path(Context& ctx, int dirfd, UserPtr<char> path_ptr, UserPtr<abi::Stat> buf, int flags)
{
    if (flags & ~(abi::at_symlink_nofollow | abi::at_empty_path | abi::at_no_automount))
        return Errno::einval;
    std::string path = TRY(ctx.user().read_cstring(path_ptr.addr(), abi::path_max - 1));
    frame::FileStat st;
    if (path.empty()) {
        if (!(flags & abi::at_empty_path))
            return Errno::enoent;
        if (dirfd == abi::at_fdcwd) {
            st = TRY(frame::HostFile::stat_path(ctx.process().cwd, frame::HostFile::Follow::follow));
        } else {
            auto file = TRY(ctx.files().get(dirfd));
            st = TRY(file->stat());
        }
    } else {
        std::string absolute = TRY(absolute_path(ctx, dirfd, path));
        auto follow = (flags & abi::at_symlink_nofollow) ? frame::HostFile::Follow::no_follow
                                                         : frame::HostFile::Follow::follow;
        st = TRY(frame::HostFile::stat_path(absolute, follow));
    }
    TRY(ctx.user().write(buf, to_abi(st)));
    return 0;
}

} // namespace

Result<long> sys_fstat(Context& ctx, int fd, UserPtr<abi::Stat> buf)
{
    auto file = TRY(ctx.files().get(fd));
    auto st = TRY(file->stat());
    TRY(ctx.user().write(buf, to_abi(st)));
    return 0;
}

Result<long> sys_stat(Context& ctx, UserPtr<char> path, UserPtr<abi::Stat> buf)
{
    return stat_path(ctx, abi::at_fdcwd, path, buf, 0);
}

Result<long> sys_lstat(Context& ctx, UserPtr<char> path, UserPtr<abi::Stat> buf)
{
    return stat_path(ctx, abi::at_fdcwd, path, buf, abi::at_symlink_nofollow);
}

Result<long> sys_newfstatat(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<abi::Stat> buf, int flags)
{
    return stat_path(ctx, dirfd, path, buf, flags);
}

} // namespace asterix::services
