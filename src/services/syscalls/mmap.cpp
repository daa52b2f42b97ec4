// brk, mmap, munmap, mprotect, madvise, mremap, msync, mincore, mseal

#include "frame/phys_mem.h"
#include "services/abi/mman.h"
#include "services/abi/resource.h"
#include "services/fs/ram_fs.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/memfd.h"

namespace asterix::services {

namespace {
/// The memory map with the caller's RLIMIT_AS and RLIMIT_STACK applied (a thread's setrlimit
/// reaches it here, and in prlimit64).
MemoryMap& limited_memory(Context& ctx)
{
    ctx.memory().set_address_limit(ctx.process().rlimit(abi::rlimit_as).cur);
    ctx.memory().set_stack_limit(ctx.process().rlimit(abi::rlimit_stack).cur);
    return ctx.memory();
}
} // namespace

Result<long> sys_brk(Context& ctx, u64 addr) { return static_cast<long>(limited_memory(ctx).brk(addr)); }

Result<long> sys_mmap(Context& ctx, u64 addr, u64 len, int prot, int flags, int fd, u64 offset)
{
    // Checks in the order of Linux's ksys_mmap_pgoff and do_mmap.
    if (offset & (page_size - 1))
        return Errno::einval;
    if (len == 0)
        return Errno::einval;
    if (prot & ~(abi::prot_mask | abi::prot_growsdown | abi::prot_growsup))
        return Errno::einval;
    int type = flags & abi::map_type;
    if (type != abi::map_shared && type != abi::map_private && type != abi::map_shared_validate)
        return Errno::einval;
    if (type == abi::map_shared_validate && (flags & ~abi::map_known))
        return Errno::enotsup;
    Placement placement = Placement::hint;
    if (flags & abi::map_fixed_noreplace)
        placement = Placement::fixed_noreplace;
    else if (flags & abi::map_fixed)
        placement = Placement::fixed;
    else if (addr == 0)
        placement = Placement::anywhere;
    u8 perms = static_cast<u8>(prot & abi::prot_mask);
    u64 start;
    if (flags & abi::map_anonymous) {
        if (type == abi::map_private) {
            start = TRY(limited_memory(ctx).map_anonymous(addr, len, perms, placement, {}, (flags & abi::map_growsdown) != 0));
        } else {
            // Shared anonymous memory is an unnamed tmpfs file, so forked processes share pages.
            if (page_round_up(len) / page_size > frame::total_frames())
                return Errno::enomem;
            auto file = TRY(RamFs::make_shared_anonymous(page_round_up(len)));
            start = TRY(limited_memory(ctx).map_file(addr, len, perms, placement, file, 0, true));
        }
    } else {
        auto file = TRY(ctx.files().get(fd));
        if (file->is_path_only())
            return Errno::ebadf;
        if (!file->is_readable())
            return Errno::eacces;
        bool is_shared = type != abi::map_private;
        if (is_shared && (perms & frame::perm_write) && !file->is_writable())
            return Errno::eacces;
        if (is_shared)
            TRY(check_seals_for_mapping(*file, perms));
        if (!file->inode() || !file->inode()->page_cache())
            return Errno::enodev;
        start = TRY(limited_memory(ctx).map_file(addr, len, perms, placement, file, offset, is_shared));
    }
    if (flags & abi::map_populate)
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
    if (prot & ~(abi::prot_mask | abi::prot_growsdown | abi::prot_growsup))
        return Errno::einval;
    // PROT_GROWSDOWN/UP apply only to grows-down/up areas, and there are none (the stack has
    // its full size from exec), so Linux's answer is EINVAL.
    if (prot & (abi::prot_growsdown | abi::prot_growsup))
        return Errno::einval;
    TRY(ctx.memory().protect(addr, len, static_cast<u8>(prot & abi::prot_mask)));
    return 0;
}

namespace {
/// The advice values Linux's madvise_behavior_valid accepts here (with KSM and transparent
/// huge pages; without memory-failure injection, so MADV_HWPOISON and MADV_SOFT_OFFLINE are
/// EINVAL, as on a kernel built without it), and what the memory map does with each.
std::optional<Advice> advice_of(int advice)
{
    switch (advice) {
    case abi::madv_dontneed:
    case abi::madv_dontneed_locked:
        return Advice::dont_need;
    case abi::madv_free:
        return Advice::free;
    case abi::madv_remove:
        return Advice::remove;
    case abi::madv_dontfork:
        return Advice::dont_fork;
    case abi::madv_dofork:
        return Advice::do_fork;
    case abi::madv_wipeonfork:
        return Advice::wipe_on_fork;
    case abi::madv_keeponfork:
        return Advice::keep_on_fork;
    case abi::madv_populate_read:
        return Advice::populate_read;
    case abi::madv_populate_write:
        return Advice::populate_write;
    case abi::madv_normal:
    case abi::madv_random:
    case abi::madv_sequential:
    case abi::madv_willneed:
    case abi::madv_cold:
    case abi::madv_pageout:
    case abi::madv_mergeable:
    case abi::madv_unmergeable:
    case abi::madv_hugepage:
    case abi::madv_nohugepage:
    case abi::madv_dontdump:
    case abi::madv_dodump:
        return Advice::other;
    default:
        return std::nullopt;
    }
}
} // namespace

Result<long> sys_madvise(Context& ctx, u64 addr, u64 len, int advice)
{
    // Linux's madvise_should_skip: the advice, then the range.
    auto what = advice_of(advice);
    if (!what)
        return Errno::einval;
    if (addr & (page_size - 1))
        return Errno::einval;
    u64 size = page_round_up(len);
    if (size < len || addr + size < addr)
        return Errno::einval;
    if (size == 0)
        return 0;
    TRY(ctx.memory().advise(addr, size, *what));
    return 0;
}

Result<long> sys_mremap(Context& ctx, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr)
{
    if (flags & ~(abi::mremap_maymove | abi::mremap_fixed | abi::mremap_dontunmap))
        return Errno::einval;
    if ((flags & abi::mremap_fixed) && !(flags & abi::mremap_maymove))
        return Errno::einval;
    // MREMAP_DONTUNMAP moves the pages and leaves the old range mapped: only a move of the
    // same size (mremap(2)).
    if ((flags & abi::mremap_dontunmap) && (!(flags & abi::mremap_maymove) || old_len != new_len))
        return Errno::einval;
    MemoryMap::RemapTarget target;
    target.may_move = flags & abi::mremap_maymove;
    if (flags & abi::mremap_fixed)
        target.fixed_addr = new_addr;
    target.keeps_old = flags & abi::mremap_dontunmap;
    return static_cast<long>(TRY(limited_memory(ctx).remap(addr, old_len, new_len, target)));
}

Result<long> sys_msync(Context& ctx, u64 addr, u64 len, int flags)
{
    if (flags & ~(abi::ms_async | abi::ms_invalidate | abi::ms_sync))
        return Errno::einval;
    if ((flags & abi::ms_async) && (flags & abi::ms_sync))
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

namespace asterix::services {

Result<long> sys_mseal(Context& ctx, u64 addr, u64 len, u64 flags)
{
    // mseal(2): no flags are defined yet; the range is page aligned, and mapped whole.
    if (flags != 0)
        return Errno::einval;
    if (addr & (page_size - 1))
        return Errno::einval;
    u64 size = page_round_up(len);
    if (size < len || addr + size < addr)
        return Errno::einval;
    if (size == 0)
        return 0;
    TRY(ctx.memory().seal(addr, size));
    return 0;
}

} // namespace asterix::services
