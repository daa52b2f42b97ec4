// Physical memory on the host: one sparse memfd, mapped whole in the kernel (the direct map).

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "frame/arch.h"
#include "frame/log.h"
#include "host_arch/host.h"

namespace asterix {

namespace {
int g_phys_mem_fd = -1;
}

int host::phys_mem_fd() { return g_phys_mem_fd; }

bool frame::arch::is_fresh_memory_zeroed() { return true; } // a fresh memfd reads as zeros

std::span<u8> frame::arch::init_phys_mem(u64 bytes)
{
    bytes = page_round_down(bytes);
    g_phys_mem_fd = memfd_create("asterix-phys-mem", MFD_CLOEXEC);
    if (g_phys_mem_fd < 0 || ftruncate(g_phys_mem_fd, static_cast<off_t>(bytes)) != 0)
        frame::panic("cannot create %llu bytes of physical memory: %s", static_cast<unsigned long long>(bytes),
            strerror(errno));
    void* map = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, g_phys_mem_fd, 0);
    if (map == MAP_FAILED)
        frame::panic("cannot map physical memory: %s", strerror(errno));
    // SAFETY: the mapping lives as long as the kernel and covers exactly `bytes`.
    return {static_cast<u8*>(map), bytes};
}

} // namespace asterix
