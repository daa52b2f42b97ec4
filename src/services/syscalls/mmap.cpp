// brk, mmap, munmap, mprotect, madvise

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
constexpr int map_fixed_noreplace = 0x100000;
constexpr int madv_normal = 0;
constexpr int madv_dontneed = 4;
constexpr int madv_free = 8;
} // namespace

Result<long> sys_brk(Context& ctx, u64 addr)
{
    return static_cast<long>(ctx.memory().brk(addr));
}

Result<long> sys_mmap(Context& ctx, u64 addr, u64 len, int prot, int flags, int fd, u64 offset)
{
    // Checks in the order of Linux's do_mmap/ksys_mmap_pgoff.
    if (offset & (page_size - 1))
        return Errno::einval;
    if (len == 0)
        return Errno::einval;
    if (prot & ~(prot_mask | prot_growsdown | prot_growsup))
        return Errno::einval;
    int type = flags & map_type;
    if (type != map_shared && type != map_private && type != map_shared_validate)
        return Errno::einval;
    if (!(flags & map_anonymous)) {
        // FIXME: file-backed mappings come with the VFS and the page cache.
        TRY(ctx.files().get(fd));
        return Errno::enodev;
    }
    // FIXME: shared anonymous memory needs frames shared across fork; until fork exists it
    // behaves as private, which no single process can tell apart.
    Placement placement = Placement::hint;
    if (flags & map_fixed_noreplace)
        placement = Placement::fixed_noreplace;
    else if (flags & map_fixed)
        placement = Placement::fixed;
    else if (addr == 0)
        placement = Placement::anywhere;
    return static_cast<long>(TRY(ctx.memory().map_anonymous(addr, len, static_cast<u8>(prot & prot_mask), placement)));
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
    case 14: // MADV_HUGEPAGE
    case 15: // MADV_NOHUGEPAGE
        return 0;
    default:
        return Errno::einval;
    }
}

} // namespace asterix::services
