#include "services/kernel_memory.h"

#include "frame/phys_mem.h"

namespace asterix::services {

namespace {

usize g_used_bytes = 0;
usize g_limit_bytes = 0; // 0: the default

} // namespace

usize KernelMemory::limit_bytes()
{
    // An eighth of guest memory: enough for every table a real workload keeps, small enough
    // that a guest cannot make the kernel a multiple of what --mem promised.
    return g_limit_bytes ? g_limit_bytes : frame::total_frames() * page_size / 8;
}

void KernelMemory::set_limit_bytes(usize bytes) { g_limit_bytes = bytes; }

usize KernelMemory::used_bytes() { return g_used_bytes; }

Result<void> KernelMemory::charge(usize bytes)
{
    if (bytes > limit_bytes() || g_used_bytes > limit_bytes() - bytes)
        return Errno::enomem;
    g_used_bytes += bytes;
    return {};
}

void KernelMemory::uncharge(usize bytes) { g_used_bytes -= bytes < g_used_bytes ? bytes : g_used_bytes; }

} // namespace asterix::services
