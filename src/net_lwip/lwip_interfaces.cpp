// The stack's interfaces as Linux names and describes them, read from lwIP's netifs: lwIP's
// loopback (index 1) is "lo", and the device's Ethernet interface (index 2) is "eth0", the name
// a QEMU or slirp guest gives the same NIC. lwIP keeps the loopback's MTU at 0 and its flags
// bare, so the loopback's are Linux's own (65536, no hardware address).
#include <algorithm>
#include <cstring>
#include <string>

#include "lwip_glue.h"
#include "services/net/inet_stack.h"

#include "lwip/netif.h"

namespace asterix::services::inet {

namespace {

constexpr u32 loopback_mtu_bytes = 65536;

bool is_loopback_netif(const netif& interface) { return interface.name[0] == 'l' && interface.name[1] == 'o'; }

u8 prefix_bits_of(u32 network_order_mask)
{
    // Counted by hand: the bare-metal kernel has no libgcc for __builtin_popcount.
    u8 bits = 0;
    for (u32 rest = network_order_mask; rest; rest &= rest - 1)
        ++bits;
    return bits;
}

} // namespace

std::vector<Interface> list_interfaces()
{
    glue::start_stack();
    std::vector<Interface> interfaces;
    usize ethernet_count = 0;
    netif* link;
    NETIF_FOREACH(link)
    {
        Interface interface;
        interface.index = netif_get_index(link);
        interface.is_loopback = is_loopback_netif(*link);
        interface.is_up = netif_is_up(link) && (interface.is_loopback || netif_is_link_up(link));
        if (interface.is_loopback) {
            interface.name = "lo";
            interface.mtu_bytes = loopback_mtu_bytes;
        } else {
            interface.name = "eth";
            interface.name += static_cast<char>('0' + ethernet_count++ % 10);
            interface.mtu_bytes = link->mtu;
            std::copy_n(link->hwaddr, std::min<usize>(link->hwaddr_len, 6), interface.hardware_address.begin());
        }
        u32 address = ip4_addr_get_u32(netif_ip4_addr(link));
        if (address != 0) {
            std::memcpy(interface.v4_address.data(), &address, 4);
            interface.v4_prefix_bits = prefix_bits_of(ip4_addr_get_u32(netif_ip4_netmask(link)));
        }
        for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
            if (!ip6_addr_isvalid(netif_ip6_addr_state(link, i)))
                continue;
            std::array<u8, 16> v6 {};
            std::memcpy(v6.data(), netif_ip6_addr(link, i)->addr, 16);
            interface.v6_addresses.emplace_back(v6, interface.is_loopback ? 128 : 64);
        }
        interfaces.push_back(std::move(interface));
    }
    std::sort(interfaces.begin(), interfaces.end(), [](const Interface& a, const Interface& b) { return a.index < b.index; });
    return interfaces;
}

} // namespace asterix::services::inet
