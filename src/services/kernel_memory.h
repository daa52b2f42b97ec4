#pragma once

#include <string>
#include <utility>
#include <vector>

#include "frame/result.h"
#include "frame/types.h"

namespace asterix::services {

/// The kernel memory a guest can make the instance allocate outside --mem (fd tables, the
/// remembered unknown syscalls, kept strings, ...), as Linux's kmem accounting: each such
/// allocation is charged first, and past the bound the guest gets ENOMEM, never the kernel.
/// The bound is an eighth of guest memory unless set.
class KernelMemory {
public:
    /// Charges `bytes`; ENOMEM when that would pass the bound.
    static Result<void> charge(usize bytes);
    static void uncharge(usize bytes);
    /// Whether `bytes` could be charged now.
    static bool has_room(usize bytes) { return used_bytes() <= limit_bytes() && bytes <= limit_bytes() - used_bytes(); }
    static usize used_bytes();
    static usize limit_bytes();
    /// Sets the bound (0: back to the default, an eighth of guest memory).
    static void set_limit_bytes(usize bytes);
};

/// What a kept list of strings (argv, envp) costs the kernel heap.
inline usize string_list_bytes(const std::vector<std::string>& strings)
{
    usize bytes = strings.capacity() * sizeof(std::string);
    for (const auto& text : strings)
        bytes += text.size() + 1;
    return bytes;
}

/// A charge that is given back when it goes: a member of the object whose memory it counts.
class KernelCharge {
public:
    KernelCharge() = default;
    KernelCharge(KernelCharge&& other) noexcept : m_bytes(std::exchange(other.m_bytes, 0)) {}
    KernelCharge& operator=(KernelCharge&& other) noexcept
    {
        if (this != &other) {
            KernelMemory::uncharge(m_bytes);
            m_bytes = std::exchange(other.m_bytes, 0);
        }
        return *this;
    }
    KernelCharge(const KernelCharge&) = delete;
    KernelCharge& operator=(const KernelCharge&) = delete;
    ~KernelCharge() { KernelMemory::uncharge(m_bytes); }

    /// Charges `bytes` more; ENOMEM (and nothing changes) past the bound.
    Result<void> grow(usize bytes)
    {
        TRY(KernelMemory::charge(bytes));
        m_bytes += bytes;
        return {};
    }
    void shrink(usize bytes)
    {
        bytes = bytes < m_bytes ? bytes : m_bytes;
        KernelMemory::uncharge(bytes);
        m_bytes -= bytes;
    }
    usize bytes() const { return m_bytes; }

private:
    usize m_bytes {0};
};

} // namespace asterix::services
