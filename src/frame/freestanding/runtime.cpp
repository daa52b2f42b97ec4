// The freestanding runtime of the bare-metal kernel: what header-level std containers and the
// compiler need from a C++ runtime (operator new/delete on the kernel heap, mem* functions,
// std::__throw_* that panic, static-destructor registration). Only the bare-metal build links
// it; hosted builds use the host's C and C++ libraries.

#include <cstddef>
#include <new>

#include "frame/assert.h"
#include "frame/freestanding/heap.h"

using asterix::frame::panic;

extern "C" {

void* memset(void* destination, int value, size_t count)
{
    auto* bytes = static_cast<unsigned char*>(destination);
    for (size_t i = 0; i < count; ++i)
        bytes[i] = static_cast<unsigned char>(value);
    return destination;
}

void* memcpy(void* destination, const void* source, size_t count)
{
    auto* to = static_cast<unsigned char*>(destination);
    const auto* from = static_cast<const unsigned char*>(source);
    for (size_t i = 0; i < count; ++i)
        to[i] = from[i];
    return destination;
}

void* memmove(void* destination, const void* source, size_t count)
{
    auto* to = static_cast<unsigned char*>(destination);
    const auto* from = static_cast<const unsigned char*>(source);
    if (to < from) {
        for (size_t i = 0; i < count; ++i)
            to[i] = from[i];
    } else {
        for (size_t i = count; i > 0; --i)
            to[i - 1] = from[i - 1];
    }
    return destination;
}

int memcmp(const void* left, const void* right, size_t count)
{
    const auto* a = static_cast<const unsigned char*>(left);
    const auto* b = static_cast<const unsigned char*>(right);
    for (size_t i = 0; i < count; ++i) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char* text)
{
    size_t length = 0;
    while (text[length])
        ++length;
    return length;
}

// The kernel never ends, so static destructors are never run.
const void* memchr(const void* memory, int value, size_t count)
{
    const auto* bytes = static_cast<const unsigned char*>(memory);
    for (size_t i = 0; i < count; ++i) {
        if (bytes[i] == static_cast<unsigned char>(value))
            return bytes + i; // SAFETY: inside the block the caller gave
    }
    return nullptr;
}

int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
// One CPU and no preemption inside the kernel: a function-local static's guard is a flag.
int __cxa_guard_acquire(long long* guard) { return *reinterpret_cast<char*>(guard) == 0; }
void __cxa_guard_release(long long* guard) { *reinterpret_cast<char*>(guard) = 1; }
void __cxa_guard_abort(long long*) {}
[[noreturn]] void abort() { panic("abort() called"); }
[[noreturn]] void _exit(int status) { panic("_exit(%d) called (a kernel task context returned)", status); }
void __cxa_pure_virtual() { panic("pure virtual function called"); }

} // extern "C"

void* operator new(size_t size) { return asterix::frame::heap_allocate(size); }
void* operator new[](size_t size) { return asterix::frame::heap_allocate(size); }
void operator delete(void* pointer) noexcept { asterix::frame::heap_free(pointer); }
void operator delete[](void* pointer) noexcept { asterix::frame::heap_free(pointer); }
void operator delete(void* pointer, size_t) noexcept { asterix::frame::heap_free(pointer); }
void operator delete[](void* pointer, size_t) noexcept { asterix::frame::heap_free(pointer); }

// What libstdc++'s headers call when a container cannot do what it was asked: in the kernel
// that is a bug, so it panics.
namespace std {
void __throw_length_error(const char* what) { panic("std::length_error: %s", what); }
void __throw_bad_alloc() { panic("std::bad_alloc"); }
void __throw_bad_array_new_length() { panic("std::bad_array_new_length"); }
void __throw_logic_error(const char* what) { panic("std::logic_error: %s", what); }
void __throw_out_of_range(const char* what) { panic("std::out_of_range: %s", what); }
void __throw_out_of_range_fmt(const char* what, ...) { panic("std::out_of_range: %s", what); }
void __throw_invalid_argument(const char* what) { panic("std::invalid_argument: %s", what); }
void __throw_bad_function_call() { panic("std::bad_function_call"); }
void __throw_bad_optional_access() { panic("std::bad_optional_access"); }
} // namespace std
