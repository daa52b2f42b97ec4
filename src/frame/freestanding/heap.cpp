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
Header* g_free[class_count] = {};

struct Arena {
    u8* base;
    usize bytes;
    usize used;
    bool (*map_up_to)(void* end);
};
constexpr usize max_arenas = 4;
Arena g_arenas[max_arenas] = {{g_arena, arena_bytes, 0, nullptr}};
usize g_arena_count = 1;
usize g_current = 0; // the arena blocks are carved from; the ones before it are full

/// A fresh block of `bytes` from the arenas, or nullptr.
Header* carve(usize bytes)
{
    for (; g_current < g_arena_count; ++g_current) {
        Arena& arena = g_arenas[g_current];
        bool has_room = bytes <= arena.bytes - arena.used;
        if (has_room && arena.map_up_to && !arena.map_up_to(arena.base + arena.used + bytes))
            return nullptr; // no memory left to back it
        if (has_room) {
            // SAFETY: the block lies inside the arena, 16-byte aligned, and is handed out once.
            auto* block = reinterpret_cast<Header*>(arena.base + arena.used);
            arena.used += bytes;
            return block;
        }
        if (g_current + 1 == g_arena_count)
            return nullptr; // keep the last arena's rest for smaller blocks
    }
    return nullptr;
}

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
        block = carve(usize {1} << (size_class + min_class_shift));
        if (!block)
            panic("kernel heap exhausted (%zu bytes asked, %zu used)", size, heap_used_bytes());
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

void heap_add_arena(void* base, size_t bytes, bool (*map_up_to)(void* end))
{
    AX_ASSERT(g_arena_count < max_arenas && reinterpret_cast<usize>(base) % 16 == 0);
    // SAFETY: the backend hands over memory (or address space it backs on request) nothing
    // else uses, for good.
    g_arenas[g_arena_count++] = {static_cast<u8*>(base), bytes & ~usize {15}, 0, map_up_to};
}

size_t heap_used_bytes()
{
    usize used = 0;
    for (usize i = 0; i < g_arena_count; ++i)
        used += g_arenas[i].used;
    return used;
}

} // namespace asterix::frame
