#include "services/syscalls/path.h"

namespace asterix::services {

Result<std::string> absolute_path(Context& ctx, int dirfd, const std::string& path)
{
    if (!path.empty() && path.front() == '/')
        return path;
    if (dirfd != abi::at_fdcwd) {
        TRY(ctx.files().get(dirfd));
        return Errno::enotdir;
    }
    const std::string& cwd = ctx.process().cwd;
    return cwd.ends_with('/') ? cwd + path : cwd + "/" + path;
}

} // namespace asterix::services
