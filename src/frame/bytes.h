#pragma once

#include <array>
#include <bit>
#include <span>
#include <string_view>
#include <type_traits>

#include "frame/result.h"
#include "frame/types.h"

namespace asterix {

/// The bytes of a trivially copyable object, as a span (for copies to and from guest memory).
template<typename T>
    requires std::is_trivially_copyable_v<T>
std::span<u8> object_bytes(T& object)
{
    // SAFETY: any trivially copyable object may be viewed as its bytes.
    return {reinterpret_cast<u8*>(&object), sizeof(T)};
}
template<typename T>
    requires std::is_trivially_copyable_v<T>
std::span<const u8> object_bytes(const T& object)
{
    // SAFETY: as above, read only.
    return {reinterpret_cast<const u8*>(&object), sizeof(T)};
}

/// The bytes of a string, for copying text into guest memory or frames.
inline std::span<const u8> text_bytes(std::string_view text)
{
    // SAFETY: char and u8 have the same size and any byte is a valid u8.
    return {reinterpret_cast<const u8*>(text.data()), text.size()};
}

/// Decodes a T stored at `offset` in `bytes` (e.g. an ELF header in a file); EINVAL when it
/// does not fit. The bytes need no alignment.
template<typename T>
    requires std::is_trivially_copyable_v<T>
Result<T> load_from_bytes(std::span<const u8> bytes, u64 offset)
{
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T))
        return Errno::einval;
    std::array<u8, sizeof(T)> raw;
    auto source = bytes.subspan(offset, sizeof(T));
    std::copy(source.begin(), source.end(), raw.begin());
    return std::bit_cast<T>(raw);
}

} // namespace asterix
