#include "services/net/netlink_routes.h"

#include <span>

#include "services/abi/netlink.h"
#include "services/abi/socket.h"
#include "services/net/inet_stack.h"
#include "services/net/netlink_message.h"

namespace asterix::services::netlink {

namespace {

/// What Linux gives a route of this kind: type, table and scope.
struct RouteClass {
    u8 type;
    u8 table;
    u8 scope;
};

RouteClass class_of(const inet::Route& route)
{
    switch (route.kind) {
    case inet::Route::Kind::local:
        // IPv6 routes all have universe scope (rt6_fill_node).
        return {abi::rtn_local, abi::rt_table_local, route.is_v6 ? abi::rt_scope_universe : abi::rt_scope_host};
    case inet::Route::Kind::broadcast: return {abi::rtn_broadcast, abi::rt_table_local, abi::rt_scope_link};
    case inet::Route::Kind::unicast: break;
    }
    bool is_on_link = !route.has_gateway && !route.is_v6;
    return {abi::rtn_unicast, abi::rt_table_main, is_on_link ? abi::rt_scope_link : abi::rt_scope_universe};
}

void put_route(std::vector<u8>& out, const inet::Route& route, u32 seq, u32 port_id)
{
    usize address_bytes = route.is_v6 ? 16 : 4;
    RouteClass route_class = class_of(route);
    usize start = start_message(out, abi::rtm_newroute, abi::nlm_f_multi, seq, port_id);
    out.push_back(static_cast<u8>(route.is_v6 ? abi::af_inet6 : abi::af_inet));
    out.push_back(route.prefix_bits);
    out.push_back(0); // rtm_src_len
    out.push_back(0); // rtm_tos
    out.push_back(route_class.table);
    out.push_back(route.is_from_address ? abi::rtprot_kernel : abi::rtprot_boot);
    out.push_back(route_class.scope);
    out.push_back(route_class.type);
    put_u32(out, 0); // rtm_flags
    put_attribute_u32(out, abi::rta_table, route_class.table);
    if (route.prefix_bits > 0)
        put_attribute(out, abi::rta_dst, std::span<const u8>(route.destination).first(address_bytes));
    if (route.is_v6) {
        // Linux's own IPv6 routes: metric 0 for local ones, 256 for the others.
        put_attribute_u32(out, abi::rta_priority, route.kind == inet::Route::Kind::local ? 0 : 256);
    }
    if (route.has_source)
        put_attribute(out, abi::rta_prefsrc, std::span<const u8>(route.source).first(address_bytes));
    if (route.has_gateway)
        put_attribute(out, abi::rta_gateway, std::span<const u8>(route.gateway).first(address_bytes));
    put_attribute_u32(out, abi::rta_oif, route.interface_index);
    if (route.is_v6) {
        std::array<u8, 1> preference {abi::icmpv6_router_pref_medium};
        put_attribute(out, abi::rta_pref, preference);
    }
    finish_message(out, start);
}

} // namespace

void put_routes(std::vector<u8>& out, int family, u32 seq, u32 port_id)
{
    for (const inet::Route& route : inet::list_routes()) {
        int route_family = route.is_v6 ? abi::af_inet6 : abi::af_inet;
        if (family == abi::af_unspec || family == route_family)
            put_route(out, route, seq, port_id);
    }
}

} // namespace asterix::services::netlink
