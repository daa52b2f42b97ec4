#include "services/net/proc_net.h"

#include <array>
#include <cinttypes>

#include "frame/format.h"
#include "services/net/inet_stack.h"

namespace asterix::services {

namespace {

/// An address as /proc/net prints it: each 32-bit word in the machine's (little-endian) order.
std::string hex_address(const inet::Endpoint& endpoint, bool is_v6)
{
    std::string out;
    usize words = is_v6 ? 4 : 1;
    std::array<u8, 16> bytes = endpoint.address;
    if (is_v6 && !endpoint.is_v6 && !endpoint.is_any()) {
        // An IPv4 endpoint of a dual-stack socket: ::ffff:a.b.c.d.
        bytes = {};
        bytes[10] = bytes[11] = 0xff;
        std::copy_n(endpoint.address.begin(), 4, bytes.begin() + 12);
    }
    for (usize word = 0; word < words; ++word) {
        for (usize i = 4; i-- > 0;)
            out += frame::format("%02X", bytes[word * 4 + i]);
    }
    return out + frame::format(":%04X", endpoint.port);
}

std::string listing(const std::vector<inet::EndpointEntry>& entries, bool is_v6)
{
    std::string out = is_v6 ? "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                            : "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    usize slot = 0;
    for (const auto& entry : entries) {
        out += frame::format("%4zu: %s %s %02X %08X:%08X 00:00000000 00000000 %5d %8d %lu\n", slot++,
            hex_address(entry.local, is_v6).c_str(), hex_address(entry.remote, is_v6).c_str(), entry.state,
            entry.send_queue_bytes, entry.receive_queue_bytes, 0, 0, 0ul);
    }
    return out;
}

} // namespace

std::string proc_net_dev_text()
{
    std::string out = "Inter-|   Receive                                                |  Transmit\n"
                      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";
    // dev_seq_printf_stats's layout; the stack keeps no counters, so they are all 0.
    for (const auto& link : inet::list_interfaces()) {
        out += frame::format("%6s: %7d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d\n", link.name.c_str(), 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
    return out;
}

std::string proc_net_if_inet6_text()
{
    // if6_seq_show: the address in hex, then index, prefix length, scope and flags in hex. The
    // scope is IPV6_ADDR_LOOPBACK (0x10), IPV6_ADDR_LINKLOCAL (0x20) or global (0); every
    // address here is configured, IFA_F_PERMANENT (0x80).
    std::string out;
    for (const auto& link : inet::list_interfaces()) {
        for (const auto& [address, prefix_bits] : link.v6_addresses) {
            for (u8 byte : address)
                out += frame::format("%02x", byte);
            bool is_link_local = address[0] == 0xfe && (address[1] & 0xc0) == 0x80;
            u32 scope = link.is_loopback ? 0x10 : is_link_local ? 0x20 : 0;
            out += frame::format(" %02x %02x %02x %02x %8s\n", link.index, prefix_bits, scope, 0x80, link.name.c_str());
        }
    }
    return out;
}

std::string proc_net_tcp_text(bool is_v6) { return listing(inet::list_tcp(is_v6), is_v6); }

std::string proc_net_udp_text(bool is_v6) { return listing(inet::list_udp(is_v6), is_v6); }

} // namespace asterix::services
