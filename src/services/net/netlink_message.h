#pragma once

#include <span>
#include <vector>

#include "frame/types.h"

// Building NETLINK_ROUTE messages (netlink(7), rtnetlink(7)): little-endian fields, 4-byte
// alignment, a header whose length is filled in last, and type-length-value attributes.
namespace asterix::services::netlink {

inline void put_u16(std::vector<u8>& out, u16 value)
{
    out.push_back(static_cast<u8>(value));
    out.push_back(static_cast<u8>(value >> 8));
}

inline void put_u32(std::vector<u8>& out, u32 value)
{
    for (int shift = 0; shift < 32; shift += 8)
        out.push_back(static_cast<u8>(value >> shift));
}

inline void align4(std::vector<u8>& out)
{
    while (out.size() % 4)
        out.push_back(0);
}

/// Starts a message (struct nlmsghdr); finish_message fills its length in.
inline usize start_message(std::vector<u8>& out, u16 type, u16 flags, u32 seq, u32 port_id)
{
    usize start = out.size();
    put_u32(out, 0);
    put_u16(out, type);
    put_u16(out, flags);
    put_u32(out, seq);
    put_u32(out, port_id);
    return start;
}

inline void finish_message(std::vector<u8>& out, usize start)
{
    u32 length = static_cast<u32>(out.size() - start);
    for (usize i = 0; i < 4; ++i)
        out[start + i] = static_cast<u8>(length >> (8 * i));
    align4(out);
}

inline void put_attribute(std::vector<u8>& out, u16 type, std::span<const u8> data)
{
    put_u16(out, static_cast<u16>(4 + data.size()));
    put_u16(out, type);
    out.insert(out.end(), data.begin(), data.end());
    align4(out);
}

inline void put_attribute_u32(std::vector<u8>& out, u16 type, u32 value)
{
    std::vector<u8> data;
    put_u32(data, value);
    put_attribute(out, type, data);
}

} // namespace asterix::services::netlink
