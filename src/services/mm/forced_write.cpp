#include "services/mm/forced_write.h"

#include <algorithm>

#include "frame/frame_io.h"
#include "services/fs/page_cache.h"

namespace asterix::services {

namespace {

Result<void> write_forced_in_page(MemoryMap& memory, u64 addr, std::span<const u8> src)
{
    const Area* area = memory.area_at(addr);
    if (!area)
        return Errno::efault;
    frame::VmSpace& vm = memory.vm();
    if (area->prot & frame::perm_write)
        return vm.write_bytes(addr, src);
    if (area->is_shared)
        return Errno::efault;
    u64 page = addr & ~(page_size - 1);
    auto present = vm.query(page);
    if (!present) {
        if (vm.handle_fault({page, frame::Access::read}) != frame::FaultOutcome::handled)
            return Errno::efault;
        present = vm.query(page);
        if (!present)
            return Errno::efault;
    }
    u64 offset = addr - page;
    // The page table and `present` hold the only handles: the page is this process's own copy
    // already (an earlier forced write), so it is written in place.
    if (present->frame.share_count() <= 2)
        return frame::FrameWriter(present->frame).write(offset, src);
    auto copy = TRY(alloc_frame());
    TRY(frame::FrameWriter(copy).copy_from(present->frame));
    TRY(frame::FrameWriter(copy).write(offset, src));
    vm.map(page, std::move(copy), present->perms);
    return {};
}

} // namespace

Result<void> write_forced(MemoryMap& memory, u64 addr, std::span<const u8> src)
{
    while (!src.empty()) {
        u64 in_page = std::min<u64>(src.size(), page_size - (addr & (page_size - 1)));
        TRY(write_forced_in_page(memory, addr, src.first(in_page)));
        addr += in_page;
        src = src.subspan(in_page);
    }
    return {};
}

} // namespace asterix::services
