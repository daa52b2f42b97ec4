// System V shared memory: shmget, shmat, shmdt, shmctl. A segment is an unnamed file of the
// internal tmpfs (the one behind MAP_SHARED|MAP_ANONYMOUS), so attaching it is a shared file
// mapping; every area of it holds the segment, and the areas holding it are its attaches.

#include "services/ipc/shm.h"

#include "frame/format.h"
#include "frame/phys_mem.h"
#include "services/abi/fcntl.h"
#include "services/abi/mman.h"
#include "services/fs/dentry.h"
#include "services/fs/ram_fs.h"
#include "services/ipc/ipc_object.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

class ShmSegment : public AreaOwner {
public:
    IpcPerm perm;
    u64 size_bytes {0};
    Ref<File> file;
    i64 atime {0}, dtime {0}, ctime {0};
    i32 cpid {0}, lpid {0};

    bool is_removed() const { return perm.mode & abi::shm_dest; }
};

IpcIds<ShmSegment>& segments()
{
    static IpcIds<ShmSegment> ids(abi::shmmni);
    return ids;
}

/// The attaches of a segment the table holds: every other reference is an area mapping it
/// (callers here hold only plain pointers, never a Ref, while they ask).
u64 attach_count(const ShmSegment& segment) { return segment.ref_count() - 1; }

/// Segments removed while attached go once their last area is gone (a detach, an exit, an
/// exec); the table notices on its next use.
void reap_removed()
{
    auto& objects = segments().objects();
    for (auto it = objects.begin(); it != objects.end();) {
        if (it->second->is_removed() && attach_count(*it->second) == 0)
            it = objects.erase(it);
        else
            ++it;
    }
}

u64 total_pages()
{
    u64 pages = 0;
    for (auto& [index, segment] : segments().objects())
        pages += page_round_up(segment->size_bytes) / page_size;
    return pages;
}

abi::Shmid64Ds describe(const ShmSegment& segment)
{
    abi::Shmid64Ds out {};
    out.shm_perm = segment.perm.to_abi();
    out.shm_segsz = segment.size_bytes;
    out.shm_atime = segment.atime;
    out.shm_dtime = segment.dtime;
    out.shm_ctime = segment.ctime;
    out.shm_cpid = segment.cpid;
    out.shm_lpid = segment.lpid;
    out.shm_nattch = attach_count(segment);
    return out;
}

Result<long> create_segment(Context& ctx, i32 key, u64 size, int flags)
{
    if (size < abi::shmmin || size > abi::shmmax)
        return Errno::einval;
    u64 pages = page_round_up(size) / page_size;
    // Pages come from guest memory only when touched, but a segment larger than all of it
    // could never be backed.
    if (pages > frame::total_frames() || total_pages() + pages > frame::total_frames())
        return Errno::enospc;
    if (segments().count() >= abi::shmmni)
        return Errno::enospc;
    auto segment = make_ref<ShmSegment>();
    const auto& cred = ctx.thread().credentials();
    segment->perm.key = key;
    segment->perm.uid = segment->perm.cuid = cred.euid;
    segment->perm.gid = segment->perm.cgid = cred.egid;
    segment->perm.mode = static_cast<u32>(flags) & 0777u;
    segment->size_bytes = size;
    segment->file = TRY(RamFs::make_sysv_segment(page_round_up(size), frame::format("SYSV%08x", static_cast<u32>(key))));
    segment->cpid = ctx.process().pid();
    segment->ctime = ipc_now_sec();
    return TRY(segments().add(segment));
}

} // namespace

Result<long> sys_shmget(Context& ctx, i32 key, u64 size, int flags)
{
    reap_removed();
    if (key == abi::ipc_private)
        return create_segment(ctx, key, size, flags);
    ShmSegment* segment = segments().find_key(key);
    if (!segment) {
        if (!(flags & abi::ipc_creat))
            return Errno::enoent;
        return create_segment(ctx, key, size, flags);
    }
    // The order of Linux's ipcget_public: EEXIST, then the size (shm_more_checks), then access.
    if ((flags & abi::ipc_creat) && (flags & abi::ipc_excl))
        return Errno::eexist;
    if (size > segment->size_bytes)
        return Errno::einval;
    if (!ipc_permits(ctx.thread().credentials(), segment->perm, flags))
        return Errno::eacces;
    return segment->perm.id;
}

Result<long> sys_shmat(Context& ctx, int id, u64 addr, int flags)
{
    reap_removed();
    if (id < 0)
        return Errno::einval;
    Placement placement = Placement::anywhere;
    if (addr) {
        if (addr & (page_size - 1)) {
            if (!(flags & abi::shm_rnd))
                return Errno::einval;
            addr &= ~(page_size - 1);
            if (!addr && (flags & abi::shm_remap))
                return Errno::einval;
        }
        placement = Placement::fixed;
    } else if (flags & abi::shm_remap) {
        return Errno::einval;
    }
    u8 prot = abi::prot_read;
    int access = 0444;
    if (!(flags & abi::shm_rdonly)) {
        prot |= abi::prot_write;
        access |= 0222;
    }
    if (flags & abi::shm_exec) {
        prot |= abi::prot_exec;
        access |= 0111;
    }
    ShmSegment* segment = TRY(segments().find_id(id));
    if (!ipc_permits(ctx.thread().credentials(), segment->perm, access))
        return Errno::eacces;
    u64 len = page_round_up(segment->size_bytes);
    if (addr && !(flags & abi::shm_remap)) {
        if (addr + len < addr)
            return Errno::einval;
        for (u64 page = addr; page < addr + len; page += page_size)
            if (ctx.memory().area_at(page))
                return Errno::einval;
    }
    // A read-only attach maps the segment through a read-only file, so that mprotect cannot
    // make it writable (EACCES, as on Linux).
    Ref<File> file = segment->file;
    if (!(prot & abi::prot_write))
        file = TRY(segment->file->inode()->open(Ref<Dentry>(segment->file->dentry()), abi::o_rdonly));
    u64 start = TRY(ctx.memory().map_file(addr, len, prot, placement, file, 0, true));
    ctx.memory().set_owner(start, Ref<AreaOwner>(segment));
    segment->atime = ipc_now_sec();
    segment->lpid = ctx.process().pid();
    return static_cast<long>(start);
}

Result<long> sys_shmdt(Context& ctx, u64 addr)
{
    if (addr & (page_size - 1))
        return Errno::einval;
    const Area* first = ctx.memory().area_at(addr);
    if (!first || first->start != addr || !first->owner || first->file_offset != 0)
        return Errno::einval;
    ShmSegment* segment = nullptr;
    for (auto& [index, candidate] : segments().objects())
        if (first->owner.ptr() == candidate.ptr())
            segment = candidate.ptr();
    if (!segment)
        return Errno::einval;
    // Like Linux, detach every area of this attach: those of the segment from `addr` on, within
    // its size (an mprotect may have split it).
    u64 end = addr + page_round_up(segment->size_bytes);
    std::vector<std::pair<u64, u64>> ranges;
    for (const auto& [start, area] : ctx.memory().areas()) {
        if (start < addr || start >= end)
            continue;
        if (area.owner.ptr() == segment)
            ranges.emplace_back(start, area.end - start);
    }
    for (auto [start, len] : ranges)
        TRY(ctx.memory().unmap(start, len));
    segment->dtime = ipc_now_sec();
    segment->lpid = ctx.process().pid();
    reap_removed();
    return 0;
}

Result<long> sys_shmctl(Context& ctx, int id, int cmd, u64 buf)
{
    reap_removed();
    if (cmd < 0 || id < 0)
        return Errno::einval;
    const auto& cred = ctx.thread().credentials();
    switch (cmd) {
    case abi::ipc_info: {
        abi::Shminfo64 info {};
        info.shmmax = abi::shmmax;
        info.shmmin = abi::shmmin;
        info.shmmni = abi::shmmni;
        info.shmseg = abi::shmseg;
        info.shmall = abi::shmall;
        TRY(ctx.user().write(UserPtr<abi::Shminfo64>(buf), info));
        return std::max(segments().max_index(), 0);
    }
    case abi::shm_info: {
        abi::ShmInfo info {};
        info.used_ids = static_cast<i32>(segments().count());
        info.shm_tot = total_pages();
        TRY(ctx.user().write(UserPtr<abi::ShmInfo>(buf), info));
        return std::max(segments().max_index(), 0);
    }
    case abi::shm_stat:
    case abi::shm_stat_any: {
        ShmSegment* segment = segments().at_index(id);
        if (!segment)
            return Errno::einval;
        if (cmd == abi::shm_stat && !ipc_permits(cred, segment->perm, 0444))
            return Errno::eacces;
        TRY(ctx.user().write(UserPtr<abi::Shmid64Ds>(buf), describe(*segment)));
        return segment->perm.id;
    }
    case abi::ipc_stat: {
        ShmSegment* segment = TRY(segments().find_id(id));
        if (!ipc_permits(cred, segment->perm, 0444))
            return Errno::eacces;
        TRY(ctx.user().write(UserPtr<abi::Shmid64Ds>(buf), describe(*segment)));
        return 0;
    }
    case abi::ipc_set: {
        auto in = TRY(ctx.user().read(UserPtr<abi::Shmid64Ds>(buf)));
        ShmSegment* segment = TRY(segments().find_id(id));
        if (!ipc_may_control(cred, segment->perm))
            return Errno::eperm;
        segment->perm.set_from(in.shm_perm);
        segment->ctime = ipc_now_sec();
        return 0;
    }
    case abi::ipc_rmid: {
        ShmSegment* segment = TRY(segments().find_id(id));
        if (!ipc_may_control(cred, segment->perm))
            return Errno::eperm;
        // Removed while attached, the segment lives on until its last detach, but its key is
        // free for a new one (shmctl(2), SHM_DEST).
        segment->perm.mode |= abi::shm_dest;
        segment->perm.key = abi::ipc_private;
        reap_removed();
        return 0;
    }
    case abi::shm_lock:
    case abi::shm_unlock: {
        ShmSegment* segment = TRY(segments().find_id(id));
        if (!cred.has_capability(abi::Capability::ipc_lock) && cred.euid != segment->perm.uid && cred.euid != segment->perm.cuid)
            return Errno::eperm;
        if (cmd == abi::shm_lock)
            segment->perm.mode |= abi::shm_locked;
        else
            segment->perm.mode &= ~abi::shm_locked;
        return 0;
    }
    default:
        return Errno::einval;
    }
}

std::string sysvipc_shm_text()
{
    reap_removed();
    std::string text = "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n";
    for (auto& [index, segment] : segments().objects()) {
        const auto& p = segment->perm;
        text += frame::format("%10d %10d  %4o %21llu %5d %5d  %5llu %5u %5u %5u %5u %10lld %10lld %10lld %21llu %21llu\n", p.key, p.id, p.mode, static_cast<unsigned long long>(segment->size_bytes), segment->cpid, segment->lpid, static_cast<unsigned long long>(attach_count(*segment)), p.uid, p.gid, p.cuid, p.cgid, static_cast<long long>(segment->atime), static_cast<long long>(segment->dtime), static_cast<long long>(segment->ctime), 0ull, 0ull);
    }
    return text;
}

} // namespace asterix::services
