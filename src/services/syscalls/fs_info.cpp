// sysfs(2) and ustat(2): the old ways to ask about file system types and mounted devices.

#include <array>
#include <string_view>

#include "services/fs/vfs.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
/// The file system types the kernel knows, in the order /proc/filesystems lists them; sysfs(2)
/// numbers them from 0 in this order.
constexpr std::array<std::string_view, 4> filesystem_types = {"proc", "tmpfs", "devtmpfs", "hostfs"};

/// struct ustat (ustat(2)): free blocks and inodes, and two unused names.
struct Ustat {
    i32 f_tfree;
    u32 pad0;
    u64 f_tinode;
    std::array<char, 6> f_fname;
    std::array<char, 6> f_fpack;
    u32 pad1;
};
static_assert(sizeof(Ustat) == 32);
} // namespace

Result<long> sys_sysfs(Context& ctx, int option, u64 arg1, u64 arg2)
{
    switch (option) {
    case 1: { // the index of the type named by the string at arg1
        std::string name = TRY(ctx.user().read_cstring(arg1, 255));
        for (usize i = 0; i < filesystem_types.size(); ++i) {
            if (filesystem_types[i] == name)
                return static_cast<long>(i);
        }
        return Errno::einval;
    }
    case 2: { // the name of type arg1, into the buffer at arg2
        if (arg1 >= filesystem_types.size())
            return Errno::einval;
        std::string name(filesystem_types[arg1]);
        std::vector<u8> bytes(name.begin(), name.end());
        bytes.push_back(0);
        TRY(ctx.user().write_bytes(arg2, bytes));
        return 0;
    }
    case 3:
        return static_cast<long>(filesystem_types.size());
    default:
        return Errno::einval;
    }
}

Result<long> sys_ustat(Context& ctx, u32 dev, u64 ubuf)
{
    // Linux answers only for a device with a mounted file system (EINVAL otherwise); the
    // device is the st_dev of the file system's files.
    for (const Mount& mount : Vfs::mounts()) {
        Inode& root = mount.root->inode();
        auto st = root.stat();
        if (st.is_error() || static_cast<u32>(st.value().dev) != dev)
            continue;
        auto fs = TRY(root.statfs());
        Ustat info {};
        info.f_tfree = static_cast<i32>(fs.blocks_free);
        info.f_tinode = fs.files_free;
        TRY(ctx.user().write(UserPtr<Ustat>(ubuf), info));
        return 0;
    }
    return Errno::einval;
}

} // namespace asterix::services
