// memfd_create, and the file seals fcntl adds to memfds

#include "services/syscalls/memfd.h"

#include "services/abi/fcntl.h"
#include "services/abi/memfd.h"
#include "services/abi/mman.h"
#include "services/fs/ram_fs.h"
#include "services/process/process_table.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
constexpr u32 write_seals = abi::f_seal_write | abi::f_seal_future_write;

/// Whether some process maps the file shared and writable: F_SEAL_WRITE then fails with EBUSY.
bool is_mapped_writable(const Inode& inode)
{
    for (const auto& [pid, process] : ProcessTable::all()) {
        if (!process->memory())
            continue;
        for (const auto& [start, area] : process->memory()->areas()) {
            if (area.is_shared && (area.prot & abi::prot_write) && area.file && area.file->inode() == &inode)
                return true;
        }
    }
    return false;
}
} // namespace

Result<long> sys_memfd_create(Context& ctx, UserPtr<char> uname, u32 flags)
{
    if (flags & ~(abi::mfd_cloexec | abi::mfd_allow_sealing | abi::mfd_hugetlb | abi::mfd_noexec_seal | abi::mfd_exec))
        return Errno::einval;
    if ((flags & abi::mfd_noexec_seal) && (flags & abi::mfd_exec))
        return Errno::einval;
    if (flags & abi::mfd_hugetlb)
        return Errno::einval; // FIXME: no huge pages; Linux gives EINVAL without hugetlbfs too
    // The name is at most 249 bytes plus its NUL; a longer one is EINVAL.
    auto name = ctx.user().read_cstring(uname.addr(), abi::mfd_name_max);
    if (name.is_error())
        return name.error() == Errno::enametoolong ? Errno::einval : name.error();
    const Credentials& creds = ctx.thread().credentials();
    // MFD_NOEXEC_SEAL implies sealing (and an F_SEAL_EXEC this kernel does not model).
    bool is_sealable = flags & (abi::mfd_allow_sealing | abi::mfd_noexec_seal);
    auto file = TRY(RamFs::make_memfd(name.value(), creds.fsuid, creds.fsgid, is_sealable));
    return TRY(ctx.files().install(file, flags & abi::mfd_cloexec, 0, ctx.process().rlimit(rlimit_nofile).cur));
}

Result<long> fcntl_seals(Context& ctx, File& file, int cmd, u64 arg)
{
    Inode* inode = file.inode();
    if (!inode)
        return Errno::einval;
    if (cmd == abi::f_get_seals)
        return TRY(inode->seals());
    u32 seals = static_cast<u32>(arg);
    if (arg & ~u64 {abi::f_seal_all})
        return Errno::einval;
    TRY(inode->seals()); // EINVAL for a file that is not a memfd
    if (!file.is_writable())
        return Errno::eperm;
    if ((seals & abi::f_seal_write) && is_mapped_writable(*inode))
        return Errno::ebusy;
    TRY(inode->add_seals(seals));
    return 0;
}

Result<void> check_seals_for_mapping(File& file, u8 prot)
{
    Inode* inode = file.inode();
    if (!inode || !(prot & abi::prot_write))
        return {};
    auto seals = inode->seals();
    if (!seals.is_error() && (seals.value() & write_seals))
        return Errno::eperm;
    return {};
}

} // namespace asterix::services
