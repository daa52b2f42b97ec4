#pragma once

#include <cstddef>

namespace asterix::frame {

/// The bare-metal kernel heap: blocks in power-of-two size classes carved from arenas (a fixed
/// one in the kernel image, then what the backend adds), recycled through a free list per
/// class. Panics when the arenas are exhausted.
void* heap_allocate(size_t size);
/// Gives the heap more memory (16-byte aligned), used once the arenas before it are exhausted.
/// With `map_up_to`, the arena is address space only: the heap asks it to back [base, end)
/// before handing a block out there (false when memory is out).
void heap_add_arena(void* base, size_t bytes, bool (*map_up_to)(void* end) = nullptr);
void heap_free(void* pointer);
/// Bytes handed out of the arena so far (for boot reports and tests).
size_t heap_used_bytes();

} // namespace asterix::frame
