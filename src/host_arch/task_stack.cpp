// Kernel task stacks on the host: mmap with a guard page.

#include <sys/mman.h>

#include "frame/arch.h"

namespace asterix::frame::arch {

void* alloc_task_stack(usize bytes)
{
    // One guard page below the stack catches overflows as a host SIGSEGV in the kernel.
    void* base = mmap(nullptr, bytes + page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        panic("cannot allocate a kernel task stack");
    mprotect(base, page_size, PROT_NONE);
    // SAFETY: the usable stack starts one page into the mapping.
    return static_cast<u8*>(base) + page_size;
}

bool can_alloc_task_stacks(usize, usize) { return true; } // reserved lazily (MAP_NORESERVE)

void free_task_stack(void* stack, usize bytes)
{
    // SAFETY: undoes alloc_task_stack.
    munmap(static_cast<u8*>(stack) - page_size, bytes + page_size);
}

} // namespace asterix::frame::arch
