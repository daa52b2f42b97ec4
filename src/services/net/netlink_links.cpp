#include "services/net/netlink_links.h"

#include <array>
#include <string_view>

#include "services/abi/netlink.h"
#include "services/abi/socket.h"
#include "services/net/inet_stack.h"
#include "services/net/netlink_message.h"

namespace asterix::services::netlink {

namespace {

/// Lifetimes that never run out (INFINITY_LIFE_TIME), as a configured address has.
constexpr u32 forever = 0xffff'ffff;

void put_string(std::vector<u8>& out, u16 type, std::string_view text)
{
    std::vector<u8> bytes(text.begin(), text.end());
    bytes.push_back(0);
    put_attribute(out, type, bytes);
}

void put_byte(std::vector<u8>& out, u16 type, u8 value)
{
    std::array<u8, 1> bytes {value};
    put_attribute(out, type, bytes);
}

void put_link(std::vector<u8>& out, const inet::Interface& link, u16 flags, u32 seq, u32 port_id)
{
    usize start = start_message(out, abi::rtm_newlink, flags, seq, port_id);
    out.push_back(abi::af_unspec);
    out.push_back(0);
    put_u16(out, link.is_loopback ? abi::arphrd_loopback : abi::arphrd_ether);
    put_u32(out, link.index);
    u32 link_flags = link.is_loopback ? abi::iff_loopback : abi::iff_broadcast | abi::iff_multicast;
    if (link.is_up)
        link_flags |= abi::iff_up | abi::iff_running | abi::iff_lower_up;
    put_u32(out, link_flags);
    put_u32(out, 0);
    put_string(out, abi::ifla_ifname, link.name);
    put_attribute_u32(out, abi::ifla_txqlen, 1000);
    // Linux says "unknown" for lo, which has no carrier to report.
    put_byte(out, abi::ifla_operstate, link.is_loopback ? abi::if_oper_unknown : link.is_up ? abi::if_oper_up : abi::if_oper_down);
    put_byte(out, abi::ifla_linkmode, 0);
    put_attribute_u32(out, abi::ifla_mtu, link.mtu_bytes);
    put_attribute_u32(out, abi::ifla_group, 0);
    // The queueing disciplines a Debian system gives them (net.core.default_qdisc).
    put_string(out, abi::ifla_qdisc, link.is_loopback ? "noqueue" : "pfifo_fast");
    put_attribute(out, abi::ifla_address, link.hardware_address);
    std::array<u8, 6> broadcast {};
    if (!link.is_loopback)
        broadcast.fill(0xff);
    put_attribute(out, abi::ifla_broadcast, broadcast);
    finish_message(out, start);
}

void put_cache_info(std::vector<u8>& out)
{
    // struct ifa_cacheinfo: preferred and valid lifetimes, then creation and update stamps.
    std::vector<u8> info;
    put_u32(info, forever);
    put_u32(info, forever);
    put_u32(info, 0);
    put_u32(info, 0);
    put_attribute(out, abi::ifa_cacheinfo, info);
}

void put_v4_address(std::vector<u8>& out, const inet::Interface& link, u32 seq, u32 port_id)
{
    usize start = start_message(out, abi::rtm_newaddr, abi::nlm_f_multi, seq, port_id);
    out.push_back(abi::af_inet);
    out.push_back(link.v4_prefix_bits);
    out.push_back(abi::ifa_f_permanent);
    out.push_back(link.is_loopback ? abi::rt_scope_host : abi::rt_scope_universe);
    put_u32(out, link.index);
    put_attribute(out, abi::ifa_address, link.v4_address);
    put_attribute(out, abi::ifa_local, link.v4_address);
    if (!link.is_loopback && link.v4_prefix_bits < 31) {
        std::array<u8, 4> broadcast = link.v4_address;
        for (u32 bit = link.v4_prefix_bits; bit < 32; ++bit)
            broadcast[bit / 8] |= static_cast<u8>(0x80 >> (bit % 8));
        put_attribute(out, abi::ifa_broadcast, broadcast);
    }
    put_string(out, abi::ifa_label, link.name);
    put_attribute_u32(out, abi::ifa_flags, abi::ifa_f_permanent);
    put_cache_info(out);
    finish_message(out, start);
}

void put_v6_address(std::vector<u8>& out, const inet::Interface& link, const std::array<u8, 16>& address, u8 prefix_bits, u32 seq, u32 port_id)
{
    bool is_link_local = address[0] == 0xfe && (address[1] & 0xc0) == 0x80;
    usize start = start_message(out, abi::rtm_newaddr, abi::nlm_f_multi, seq, port_id);
    out.push_back(abi::af_inet6);
    out.push_back(prefix_bits);
    out.push_back(abi::ifa_f_permanent);
    out.push_back(link.is_loopback ? abi::rt_scope_host : is_link_local ? abi::rt_scope_link : abi::rt_scope_universe);
    put_u32(out, link.index);
    put_attribute(out, abi::ifa_address, address);
    put_attribute_u32(out, abi::ifa_flags, abi::ifa_f_permanent);
    put_cache_info(out);
    finish_message(out, start);
}

} // namespace

bool put_links(std::vector<u8>& out, u32 index, u16 flags, u32 seq, u32 port_id)
{
    bool is_found = false;
    for (const auto& link : inet::list_interfaces()) {
        if (index && link.index != index)
            continue;
        put_link(out, link, flags, seq, port_id);
        is_found = true;
    }
    return is_found;
}

void put_addresses(std::vector<u8>& out, int family, u32 seq, u32 port_id)
{
    auto links = inet::list_interfaces();
    if (family == abi::af_unspec || family == abi::af_inet) {
        for (const auto& link : links) {
            if (link.v4_prefix_bits)
                put_v4_address(out, link, seq, port_id);
        }
    }
    if (family == abi::af_unspec || family == abi::af_inet6) {
        for (const auto& link : links) {
            for (const auto& [address, prefix_bits] : link.v6_addresses)
                put_v6_address(out, link, address, prefix_bits, seq, port_id);
        }
    }
}

} // namespace asterix::services::netlink
