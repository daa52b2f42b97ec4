#include "frame/net_device.h"

#include "frame/arch.h"
#include "frame/internal.h"

namespace asterix::frame {

namespace {
void (*g_receive_hook)() = nullptr;
} // namespace

bool net_device::is_present() { return arch::net_is_present(); }
net_device::MacAddress net_device::mac_address() { return arch::net_mac_address(); }
usize net_device::mtu_bytes() { return arch::net_mtu_bytes(); }
Result<void> net_device::send(std::span<const u8> frame) { return arch::net_send(frame); }
bool net_device::receive(std::vector<u8>& frame) { return arch::net_receive(frame); }
void net_device::set_receive_hook(void (*hook)()) { g_receive_hook = hook; }

void poll_net_device()
{
    if (!arch::net_is_present() || !arch::net_input_ready())
        return;
    if (g_receive_hook) {
        g_receive_hook();
        return;
    }
    std::vector<u8> dropped;
    while (arch::net_receive(dropped)) {
    }
}

} // namespace asterix::frame
