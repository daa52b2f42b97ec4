// lwIP's Ethernet interface over the frame's network device: lwIP builds Ethernet frames (its
// ARP answers and asks for the gateway's MAC), the device carries them to the NAT, and frames
// from the NAT enter lwIP from the device's receive hook, at a safe point of the scheduler.
#include "net_lwip/ethernet_link.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "frame/net_device.h"
#include "services/net/inet_stack.h"

#include "lwip/etharp.h"
#include "lwip/ip6_addr.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

namespace asterix::services::inet {

namespace {

netif g_link {};
void (*g_after_input)() = nullptr;

err_t link_output(struct netif*, pbuf* p)
{
    std::vector<u8> frame(p->tot_len);
    pbuf_copy_partial(p, frame.data(), p->tot_len, 0);
    // A busy device drops the frame, as a full transmit ring would; TCP sends it again.
    return frame::net_device::send(frame).is_error() ? ERR_BUF : ERR_OK;
}

err_t link_init(struct netif* link)
{
    link->name[0] = 'e';
    link->name[1] = 't';
    link->output = etharp_output;
#if LWIP_IPV6
    link->output_ip6 = ethip6_output;
#endif
    link->linkoutput = link_output;
    link->mtu = static_cast<u16_t>(std::min<usize>(frame::net_device::mtu_bytes(), 0xffff));
    link->hwaddr_len = ETH_HWADDR_LEN;
    auto mac = frame::net_device::mac_address();
    std::copy(mac.begin(), mac.end(), link->hwaddr);
    link->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

/// The device's interrupt: every waiting frame into lwIP (a bounded number per call, so that
/// a flood cannot hold the scheduler; the rest wait for the next call).
void on_frames()
{
    constexpr int frames_per_call = 256;
    std::vector<u8> frame;
    for (int i = 0; i < frames_per_call && frame::net_device::receive(frame); ++i) {
        if (frame.empty() || frame.size() > 0xffff)
            continue;
        pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(frame.size()), PBUF_RAM);
        if (!p)
            continue;
        pbuf_take(p, frame.data(), static_cast<u16_t>(frame.size()));
        if (g_link.input(p, &g_link) != ERR_OK)
            pbuf_free(p);
    }
    if (g_after_input)
        g_after_input();
}

} // namespace

std::optional<std::array<u8, 4>> nat_dns_address()
{
    if (!frame::net_device::is_present())
        return std::nullopt;
    return std::array<u8, 4> {10, 0, 2, 3};
}

void start_ethernet_link(void (*after_input)())
{
    if (!frame::net_device::is_present())
        return;
    g_after_input = after_input;
    ip4_addr_t address, netmask, gateway;
    IP4_ADDR(&address, 10, 0, 2, 15);
    IP4_ADDR(&netmask, 255, 255, 255, 0);
    IP4_ADDR(&gateway, 10, 0, 2, 2);
    netif_add(&g_link, &address, &netmask, &gateway, nullptr, link_init, netif_input);
    netif_set_default(&g_link);
#if LWIP_IPV6
    // The link-local address Linux gives every Ethernet interface (fe80:: and the MAC's
    // modified EUI-64), so the interface shows the addresses a Linux guest's does. The NAT
    // carries no IPv6, so nothing but the link uses it.
    netif_create_ip6_linklocal_address(&g_link, 1);
#endif
    netif_set_up(&g_link);
    frame::net_device::set_receive_hook(on_frames);
}

} // namespace asterix::services::inet
