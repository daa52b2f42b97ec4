// brk, mmap, munmap, mprotect, madvise, mremap, msync, mincore

#include "frame/phys_mem.h"
#include "services/fs/ram_fs.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
constexpr int prot_mask = 0x7;
constexpr int prot_growsdown = 0x01000000;
constexpr int prot_growsup = 0x02000000;
constexpr int map_shared = 0x01;
constexpr int map_private = 0x02;
constexpr int map_shared_validate = 0x03;
constexpr int map_type = 0x0f;
constexpr int map_fixed = 0x10;
constexpr int map_anonymous = 0x20;
constexpr int map_populate = 0x8000;
constexpr int map_fixed_noreplace = 0x100000;
// Flags MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK plus the validated ones).
constexpr int map_known = 0x1f | 0x20 | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000
    | 0x40000 | 0x80000 | 0x100000 | 0x7c000000;
constexpr int madv_normal = 0;
constexpr int madv_dontneed = 4;
constexpr int madv_free = 8;
constexpr int ms_async = 1;
constexpr int ms_invalidate = 2;
constexpr int ms_sync = 4;
constexpr int mremap_maymove = 1;
constexpr int mremap_fixed = 2;
constexpr int mremap_dontunmap = 4;
} // namespace

Result<long> sys_brk(Context& ctx, u64 addr) { return static_cast<long>(ctx.memory().brk(addr)); }

Result<long> sys_mmap(Context& ctx, u64 addr, u64 len, int prot, int flags, int fd, u64 offset)
{
    // Checks in the order of Linux's ksys_mmap_pgoff and do_mmap.
    if (offset & (page_size - 1))
        return Errno::einval;
    if (len == 0)
        return Errno::einval;
    if (prot & ~(prot_mask | prot_growsdown | prot_growsup))
        return Errno::einval;
    int type = flags & map_type;
    if (type != map_shared && type != map_private && type != map_shared_validate)
        return Errno::einval;
    if (type == map_shared_validate && (flags & ~map_known))
        return Errno::enotsup;
    Placement placement = Placement::hint;
    if (flags & map_fixed_noreplace)
        placement = Placement::fixed_noreplace;
    else if (flags & map_fixed)
        placement = Placement::fixed;
    else if (addr == 0)
        placement = Placement::anywhere;
    u8 perms = static_cast<u8>(prot & prot_mask);
    u64 start;
    if (flags & map_anonymous) {
        if (type == map_private) {
            start = TRY(ctx.memory().map_anonymous(addr, len, perms, placement));
        } else {
            // Shared anonymous memory is an unnamed tmpfs file, so forked processes share pages.
            if (page_round_up(len) / page_size > frame::total_frames())
                return Errno::enomem;
            auto file = TRY(RamFs::make_shared_anonymous(page_round_up(len)));
            start = TRY(ctx.memory().map_file(addr, len, perms, placement, file, 0, true));
        }
    } else {
        auto file = TRY(ctx.files().get(fd));
        if (file->is_path_only())
            return Errno::ebadf;
        if (!file->is_readable())
            return Errno::eacces;
        bool is_shared = type != map_private;
        if (is_shared && (perms & frame::perm_write) && !file->is_writable())
            return Errno::eacces;
        if (!file->inode() || !file->inode()->page_cache())
            return Errno::enodev;
        start = TRY(ctx.memory().map_file(addr, len, perms, placement, file, offset, is_shared));
    }
    if (flags & map_populate)
        ctx.memory().populate(start, page_round_up(len));
    return static_cast<long>(start);
}

Result<long> sys_munmap(Context& ctx, u64 addr, u64 len)
{
    TRY(ctx.memory().unmap(addr, len));
    return 0;
}

Result<long> sys_mprotect(Context& ctx, u64 addr, u64 len, int prot)
{
    if (prot & ~(prot_mask | prot_growsdown | prot_growsup))
        return Errno::einval;
    // PROT_GROWSDOWN/UP apply only to grows-down/up areas, and there are none (the stack has
    // its full size from exec), so Linux's answer is EINVAL.
    if (prot & (prot_growsdown | prot_growsup))
        return Errno::einval;
    TRY(ctx.memory().protect(addr, len, static_cast<u8>(prot & prot_mask)));
    return 0;
}

Result<long> sys_madvise(Context& ctx, u64 addr, u64 len, int advice)
{
    if (addr & (page_size - 1))
        return Errno::einval;
    switch (advice) {
    case madv_dontneed:
    case madv_free:
        TRY(ctx.memory().discard(addr, len));
        return 0;
    case madv_normal:
    case 1: // MADV_RANDOM
    case 2: // MADV_SEQUENTIAL
    case 3: // MADV_WILLNEED
    case 10: // MADV_DONTFORK
    case 11: // MADV_DOFORK
    case 12: // MADV_MERGEABLE
    case 13: // MADV_UNMERGEABLE
    case 14: // MADV_HUGEPAGE
    case 15: // MADV_NOHUGEPAGE
    case 16: // MADV_DONTDUMP
    case 17: // MADV_DODUMP
        return 0;
    default:
        return Errno::einval;
    }
}

Result<long> sys_mremap(Context& ctx, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr)
{
    if (flags & ~(mremap_maymove | mremap_fixed | mremap_dontunmap))
        return Errno::einval;
    if ((flags & mremap_fixed) && !(flags & mremap_maymove))
        return Errno::einval;
    if (flags & (mremap_fixed | mremap_dontunmap))
        return Errno::einval; // FIXME: moving to a chosen address is not supported yet
    return static_cast<long>(TRY(ctx.memory().remap(addr, old_len, new_len, flags & mremap_maymove)));
}

Result<long> sys_msync(Context& ctx, u64 addr, u64 len, int flags)
{
    if (flags & ~(ms_async | ms_invalidate | ms_sync))
        return Errno::einval;
    if ((flags & ms_async) && (flags & ms_sync))
        return Errno::einval;
    if (addr & (page_size - 1))
        return Errno::einval;
    TRY(ctx.memory().sync(addr, len));
    return 0;
}

Result<long> sys_mincore(Context& ctx, u64 addr, u64 len, UserPtr<u8> vec)
{
    auto resident = TRY(ctx.memory().residency(addr, len));
    TRY(ctx.user().write_bytes(vec.addr(), resident));
    return 0;
}

} // namespace asterix::services
