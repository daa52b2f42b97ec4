#include "services/fs/inode.h"

#include "services/fs/dentry.h"

namespace asterix::services {

Result<frame::StatFs> Inode::statfs()
{
    u64 flags = fs().is_nosuid() ? abi::st_nosuid : 0;
    return frame::StatFs {fs().magic(), page_size, 0, 0, 0, 0, 0, 0, name_max, page_size, flags};
}

Result<Ref<Dentry>> Inode::follow_magic_link() { return Errno::einval; }

u8 dirent_type(u32 mode)
{
    switch (mode & s_ifmt) {
    case s_ifreg: return dt_reg;
    case s_ifdir: return dt_dir;
    case s_iflnk: return dt_lnk;
    case s_ifchr: return dt_chr;
    case s_ififo: return dt_fifo;
    case s_ifblk: return 6;
    case s_ifsock: return 12;
    default: return dt_unknown;
    }
}

} // namespace asterix::services
