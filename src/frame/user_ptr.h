#pragma once

#include <type_traits>

#include "frame/types.h"

namespace asterix {

/// A guest virtual address of a T. It cannot be dereferenced: reads and writes go through
/// VmSpace, which checks the page table and fails with EFAULT.
template<typename T>
class UserPtr {
public:
    constexpr UserPtr() = default;
    constexpr explicit UserPtr(u64 addr) : m_addr(addr) {}

    constexpr u64 addr() const { return m_addr; }
    constexpr bool is_null() const { return m_addr == 0; }
    /// The address of the element `count` Ts further on (wrapping like the hardware would).
    constexpr UserPtr element(u64 count) const { return UserPtr(m_addr + count * sizeof(T)); }

private:
    u64 m_addr {0};
};

/// Types that may be copied to and from guest memory.
template<typename T>
concept UserCopyable = std::is_trivially_copyable_v<T>;
/// Types that may be written to guest memory without leaking kernel bytes through padding.
template<typename T>
concept UserWritable = std::is_trivially_copyable_v<T> && std::has_unique_object_representations_v<T>;

} // namespace asterix
