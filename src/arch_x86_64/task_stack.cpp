// Kernel task stacks on bare metal: blocks of the kernel heap (16-byte aligned). There is no
// guard page below them yet.

#include "frame/arch.h"
#include "frame/freestanding/heap.h"

namespace asterix::frame::arch {

void* alloc_task_stack(usize bytes) { return heap_allocate(bytes); }
void free_task_stack(void* stack, usize) { heap_free(stack); }

} // namespace asterix::frame::arch
