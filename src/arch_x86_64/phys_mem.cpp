// Physical memory on bare metal: the RAM between the end of the kernel and the top the boot
// loader reported (within the first GiB, which boot.S maps at kernel_base: the direct map).

#include "arch_x86_64/boot_info.h"
#include <algorithm>

#include "frame/arch.h"

extern "C" char _bss_end[];

namespace asterix::arch_x86_64 {

u64 g_memory_top = 0;
u64 g_reserved_end = 0;

namespace {
u64 g_frames_start = 0;
}

u64 frame_physical(u64 pfn) { return g_frames_start + pfn * page_size; }

u64 kernel_end() { return to_physical(_bss_end); }

} // namespace asterix::arch_x86_64

namespace asterix::frame::arch {

bool is_fresh_memory_zeroed() { return false; } // RAM holds whatever was there before boot

std::span<u8> init_phys_mem(u64 bytes)
{
    u64 start = page_round_up(std::max(arch_x86_64::kernel_end(), arch_x86_64::g_reserved_end));
    u64 end = page_round_down(std::min(arch_x86_64::g_memory_top, arch_x86_64::direct_map_bytes));
    if (end <= start)
        return {};
    u64 size = std::min(end - start, page_round_down(bytes));
    arch_x86_64::g_frames_start = start;
    // [start, start + size) is RAM nothing else uses.
    return {arch_x86_64::from_physical<u8>(start), size};
}

} // namespace asterix::frame::arch
