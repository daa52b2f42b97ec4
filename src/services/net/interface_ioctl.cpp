#include "services/net/interface_ioctl.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "frame/bytes.h"
#include "services/abi/in.h"
#include "services/abi/ioctls.h"
#include "services/abi/netlink.h"
#include "services/abi/socket.h"
#include "services/net/inet_stack.h"
#include "services/syscalls/context.h"

namespace asterix::services {

namespace {

using IfReq = std::array<u8, abi::ifreq_bytes>;
using IfConf = std::array<u8, abi::ifconf_bytes>;

/// Where struct ifreq's union starts (after ifr_name).
constexpr usize union_offset = abi::ifnamsiz;

std::optional<inet::Interface> find_by_name(const IfReq& req)
{
    // dev_ioctl cuts the name at IFNAMSIZ - 1 bytes.
    std::string name;
    for (usize i = 0; i < abi::ifnamsiz - 1 && req[i]; ++i)
        name += static_cast<char>(req[i]);
    for (auto& link : inet::list_interfaces()) {
        if (link.name == name)
            return link;
    }
    return std::nullopt;
}

void put(IfReq& req, usize offset, std::span<const u8> bytes) { std::copy(bytes.begin(), bytes.end(), req.begin() + static_cast<long>(offset)); }

/// A struct sockaddr_in holding `address` (network byte order), port and padding zero.
std::array<u8, abi::sockaddr_in_bytes> sockaddr_of(const std::array<u8, 4>& address)
{
    std::array<u8, abi::sockaddr_in_bytes> out {};
    out[0] = abi::af_inet;
    std::copy(address.begin(), address.end(), out.begin() + 4);
    return out;
}

std::array<u8, 4> netmask_of(u8 prefix_bits)
{
    std::array<u8, 4> mask {};
    for (u32 bit = 0; bit < prefix_bits && bit < 32; ++bit)
        mask[bit / 8] |= static_cast<u8>(0x80 >> (bit % 8));
    return mask;
}

std::array<u8, 4> broadcast_of(const inet::Interface& link)
{
    // Linux gives lo no broadcast address (0.0.0.0); an Ethernet network's is its last one.
    if (link.is_loopback)
        return {};
    auto mask = netmask_of(link.v4_prefix_bits);
    std::array<u8, 4> broadcast {};
    for (usize i = 0; i < 4; ++i)
        broadcast[i] = static_cast<u8>(link.v4_address[i] | ~mask[i]);
    return broadcast;
}

u16 short_flags_of(const inet::Interface& link)
{
    u32 flags = link.is_loopback ? abi::iff_loopback : abi::iff_broadcast | abi::iff_multicast;
    if (link.is_up)
        flags |= abi::iff_up | abi::iff_running;
    return static_cast<u16>(flags);
}

/// SIOCGIFCONF: one struct ifreq (name and IPv4 address) for each IPv4 address, only whole
/// ones; with a null buffer only the length they need (dev_ifconf, inet_gifconf).
Result<long> interface_configuration(Context& ctx, u64 arg)
{
    IfConf conf = TRY(ctx.user().read(UserPtr<IfConf>(arg)));
    i32 length = MUST(load_from_bytes<i32>(conf, 0));
    u64 buffer = MUST(load_from_bytes<u64>(conf, 8));
    i32 done = 0;
    for (const auto& link : inet::list_interfaces()) {
        if (!link.v4_prefix_bits)
            continue;
        if (buffer) {
            if (length - done < static_cast<i32>(abi::ifreq_bytes))
                break;
            IfReq req {};
            std::copy_n(link.name.begin(), std::min<usize>(link.name.size(), abi::ifnamsiz - 1), req.begin());
            put(req, union_offset, sockaddr_of(link.v4_address));
            TRY(ctx.user().write(UserPtr<IfReq>(buffer + static_cast<u64>(done)), req));
        }
        done += static_cast<i32>(abi::ifreq_bytes);
    }
    TRY(ctx.user().write(UserPtr<i32>(arg), done));
    return 0;
}

} // namespace

Result<long> interface_ioctl(Context& ctx, int domain, u32 request, u64 arg)
{
    switch (request) {
    case abi::siocgifconf: return interface_configuration(ctx, arg);
    case abi::siocgifname:
    case abi::siocgifindex:
    case abi::siocgifflags:
    case abi::siocgifmtu:
    case abi::siocgifhwaddr:
    case abi::siocgiftxqlen: break;
    case abi::siocgifaddr:
    case abi::siocgifnetmask:
    case abi::siocgifbrdaddr:
        // Only inet_ioctl knows IPv4 addresses; other families fall through to dev_ioctl.
        if (domain != abi::af_inet)
            return Errno::enotty;
        break;
    default: return Errno::enotty;
    }
    IfReq req = TRY(ctx.user().read(UserPtr<IfReq>(arg)));
    if (request == abi::siocgifname) {
        i32 index = MUST(load_from_bytes<i32>(req, union_offset));
        auto links = inet::list_interfaces();
        auto link = std::find_if(links.begin(), links.end(), [index](const auto& link) { return static_cast<i32>(link.index) == index; });
        if (link == links.end())
            return Errno::enodev;
        std::fill_n(req.begin(), abi::ifnamsiz, 0);
        std::copy_n(link->name.begin(), std::min<usize>(link->name.size(), abi::ifnamsiz - 1), req.begin());
    } else {
        auto link = find_by_name(req);
        if (!link)
            return Errno::enodev;
        switch (request) {
        case abi::siocgifindex: put(req, union_offset, object_bytes(static_cast<i32>(link->index))); break;
        case abi::siocgifflags: put(req, union_offset, object_bytes(short_flags_of(*link))); break;
        case abi::siocgifmtu: put(req, union_offset, object_bytes(static_cast<i32>(link->mtu_bytes))); break;
        // The queue length Linux gives both (netlink's IFLA_TXQLEN says the same).
        case abi::siocgiftxqlen: put(req, union_offset, object_bytes(i32 {1000})); break;
        case abi::siocgifhwaddr: {
            // struct sockaddr: the hardware type as its family, then the address.
            put(req, union_offset, object_bytes(link->is_loopback ? abi::arphrd_loopback : abi::arphrd_ether));
            put(req, union_offset + 2, link->hardware_address);
            break;
        }
        default: {
            if (!link->v4_prefix_bits)
                return Errno::eaddrnotavail;
            std::array<u8, 4> address = link->v4_address;
            if (request == abi::siocgifnetmask)
                address = netmask_of(link->v4_prefix_bits);
            else if (request == abi::siocgifbrdaddr)
                address = broadcast_of(*link);
            put(req, union_offset, sockaddr_of(address));
            break;
        }
        }
    }
    TRY(ctx.user().write(UserPtr<IfReq>(arg), req));
    return 0;
}

} // namespace asterix::services
