// The stack's routes for rtnetlink (RTM_GETROUTE), read from lwIP's interfaces. lwIP routes by
// interface (each one's network, then the default interface's gateway); Linux describes the
// same as routes, plus a local route for each address and a broadcast one for each IPv4
// network (fib_add_ifaddr), which is what `ip route show table all` lists.
#include <cstring>

#include "lwip_glue.h"
#include "services/net/inet_stack.h"

#include "lwip/netif.h"

namespace asterix::services::inet {

namespace {

bool is_loopback_interface(const netif& interface) { return interface.name[0] == 'l' && interface.name[1] == 'o'; }

std::array<u8, 16> v4_bytes(u32 network_order)
{
    std::array<u8, 16> bytes {};
    std::memcpy(bytes.data(), &network_order, 4);
    return bytes;
}

Route v4_route(Route::Kind kind, u32 destination, u8 prefix_bits, u32 source, u32 index)
{
    Route route;
    route.kind = kind;
    route.destination = v4_bytes(destination);
    route.prefix_bits = prefix_bits;
    route.has_source = true;
    route.source = v4_bytes(source);
    route.interface_index = index;
    return route;
}

void add_v4_routes(netif& interface, std::vector<Route>& main, std::vector<Route>& local)
{
    u32 address = ip4_addr_get_u32(netif_ip4_addr(&interface));
    u32 mask = ip4_addr_get_u32(netif_ip4_netmask(&interface));
    if (address == 0)
        return;
    u32 index = netif_get_index(&interface);
    // Counted by hand: the bare-metal kernel has no libgcc for __builtin_popcount.
    u8 prefix_bits = 0;
    for (u32 bits = mask; bits; bits &= bits - 1)
        ++prefix_bits;
    u32 network = address & mask;
    if (is_loopback_interface(interface)) {
        // The loopback's whole network is local (127.0.0.0/8 answers on every address).
        local.push_back(v4_route(Route::Kind::local, network, prefix_bits, address, index));
    } else {
        main.push_back(v4_route(Route::Kind::unicast, network, prefix_bits, address, index));
        u32 gateway = ip4_addr_get_u32(netif_ip4_gw(&interface));
        if (netif_default == &interface && gateway != 0) {
            Route route;
            route.has_gateway = true;
            route.gateway = v4_bytes(gateway);
            route.interface_index = index;
            route.is_from_address = false;
            main.insert(main.begin(), route);
        }
    }
    local.push_back(v4_route(Route::Kind::local, address, 32, address, index));
    if (prefix_bits < 31)
        local.push_back(v4_route(Route::Kind::broadcast, network | ~mask, 32, address, index));
}

void add_v6_routes(netif& interface, std::vector<Route>& main, std::vector<Route>& local)
{
    u32 index = netif_get_index(&interface);
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
        if (!ip6_addr_isvalid(netif_ip6_addr_state(&interface, i)))
            continue;
        const ip6_addr_t* address = netif_ip6_addr(&interface, i);
        Route route;
        route.is_v6 = true;
        route.interface_index = index;
        std::memcpy(route.destination.data(), address->addr, 16);
        if (!is_loopback_interface(interface)) {
            // The address's /64 is on the link.
            Route network = route;
            network.prefix_bits = 64;
            std::memset(network.destination.data() + 8, 0, 8);
            main.push_back(network);
        }
        route.kind = Route::Kind::local;
        route.prefix_bits = 128;
        local.push_back(route);
    }
}

} // namespace

std::vector<Route> list_routes()
{
    glue::start_stack();
    std::vector<Route> v4_main, v4_local, v6_main, v6_local;
    netif* interface;
    NETIF_FOREACH(interface)
    {
        if (!netif_is_up(interface))
            continue;
        add_v4_routes(*interface, v4_main, v4_local);
        add_v6_routes(*interface, v6_main, v6_local);
    }
    std::vector<Route> routes;
    for (auto* part : {&v4_main, &v4_local, &v6_main, &v6_local})
        routes.insert(routes.end(), part->begin(), part->end());
    return routes;
}

} // namespace asterix::services::inet
