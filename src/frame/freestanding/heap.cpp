#include "frame/freestanding/heap.h"

#include "frame/assert.h"
#include "frame/types.h"

namespace asterix::frame {

namespace {

constexpr usize arena_bytes = 96 * 1024 * 1024;
constexpr usize min_class_shift = 4; // 16 bytes
constexpr usize class_count = 28;    // up to 2 GiB requests, in principle

/// Every block starts with its size class, 16 bytes so payloads stay 16-byte aligned.
struct alignas(16) Header {
    usize size_class;
    Header* next_free;
};

alignas(4096) u8 g_arena[arena_bytes];
usize g_used = 0;
Header* g_free[class_count] = {};

usize class_of(usize size)
{
    usize size_class = 0;
    while ((usize {1} << (size_class + min_class_shift)) < size + sizeof(Header))
        ++size_class;
    return size_class;
}

} // namespace

void* heap_allocate(size_t size)
{
    usize size_class = class_of(size);
    AX_ASSERT(size_class < class_count);
    Header* block = g_free[size_class];
    if (block) {
        g_free[size_class] = block->next_free;
    } else {
        usize bytes = usize {1} << (size_class + min_class_shift);
        if (bytes > arena_bytes - g_used)
            panic("kernel heap exhausted (%zu bytes asked, %zu used)", size, g_used);
        // SAFETY: the block lies inside the arena, 16-byte aligned, and is handed out once.
        block = reinterpret_cast<Header*>(g_arena + g_used);
        g_used += bytes;
    }
    block->size_class = size_class;
    block->next_free = nullptr;
    return block + 1;
}

void heap_free(void* pointer)
{
    if (!pointer)
        return;
    // SAFETY: every pointer heap_allocate returns follows its header.
    Header* block = static_cast<Header*>(pointer) - 1;
    AX_ASSERT(block->size_class < class_count);
    block->next_free = g_free[block->size_class];
    g_free[block->size_class] = block;
}

size_t heap_used_bytes() { return g_used; }

} // namespace asterix::frame
