#pragma once

#include <cstddef>

namespace asterix::frame {

/// The bare-metal kernel heap: blocks in power-of-two size classes carved from a fixed arena,
/// recycled through a free list per class. Panics when the arena is exhausted.
void* heap_allocate(size_t size);
void heap_free(void* pointer);
/// Bytes handed out of the arena so far (for boot reports and tests).
size_t heap_used_bytes();

} // namespace asterix::frame
