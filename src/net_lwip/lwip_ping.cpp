// Ping sockets (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) and the ICMPv6 one) on lwIP's raw
// API. lwIP answers echo requests itself (icmp.c, icmp6.c); a raw pcb per socket sends the
// guest's requests and takes the replies that carry the socket's identifier, as Linux's
// net/ipv4/ping.c matches them. Identifiers are one namespace for both families, as in Linux.
#include <algorithm>
#include <map>

#include "lwip_glue.h"
#include "services/net/socket.h"

#include "lwip/icmp.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/prot/icmp6.h"
#include "lwip/raw.h"

namespace asterix::services::inet {

namespace {

/// ICMP header bytes: type, code, checksum, identifier, sequence number.
constexpr usize icmp_header_bytes = 8;
constexpr usize checksum_offset = 2;
constexpr usize identifier_offset = 4;

/// Identifiers in use: how many sockets hold each, and whether all of them allow sharing
/// (SO_REUSEADDR on every holder, as ping_get_port requires).
struct Identifier {
    u32 holders {0};
    bool is_shared {true};
};

struct Identifiers {
    std::map<u16, Identifier> used;
    /// Where the search for a free identifier starts next (ping_table.next_id).
    u16 next {1};

    static Identifiers& get()
    {
        static Identifiers* identifiers = new Identifiers();
        return *identifiers;
    }

    Result<u16> claim(u16 wanted, bool is_reusing)
    {
        if (wanted == 0) {
            for (u32 tries = 0; tries < 0x10000; ++tries, ++next) {
                if (next == 0)
                    continue;
                if (!used.contains(next)) {
                    wanted = next++;
                    break;
                }
            }
            if (wanted == 0)
                return Errno::eaddrinuse;
        } else if (auto it = used.find(wanted); it != used.end() && !(it->second.is_shared && is_reusing)) {
            return Errno::eaddrinuse;
        }
        Identifier& entry = used[wanted];
        ++entry.holders;
        entry.is_shared = entry.is_shared && is_reusing;
        return wanted;
    }

    void release(u16 identifier)
    {
        auto it = used.find(identifier);
        if (it != used.end() && --it->second.holders == 0)
            used.erase(it);
    }
};

class LwipPing final : public UdpPort {
public:
    LwipPing(raw_pcb* pcb, Family family) : m_pcb(pcb), m_family(family)
    {
        raw_recv(m_pcb, &LwipPing::on_receive, this);
        if (m_family == Family::v6) {
            // lwIP computes the ICMPv6 checksum (it covers a pseudo-header of the addresses).
            m_pcb->chksum_reqd = 1;
            m_pcb->chksum_offset = checksum_offset;
        }
    }

    ~LwipPing() override { close(); }

    Result<void> bind(const Endpoint& local, bool is_reusing_address) override
    {
        if (!m_pcb || m_identifier)
            return Errno::einval;
        if (local.is_v6 != (m_family == Family::v6) || !is_local_address(local))
            return Errno::eaddrnotavail;
        m_identifier = TRY(Identifiers::get().claim(local.port, is_reusing_address));
        ip_addr_t ip = glue::bind_address_of(local, m_family);
        raw_bind(m_pcb, &ip);
        return {};
    }

    bool is_bound() const override { return m_identifier != 0; }

    Result<void> connect(const Endpoint& remote) override
    {
        if (!m_pcb)
            return Errno::einval;
        TRY(check_family(remote));
        TRY(autobind());
        m_peer = remote;
        m_is_connected = true;
        return {};
    }

    void disconnect() override { m_is_connected = false; }

    Result<usize> send(std::span<const u8> bytes, const Endpoint* to) override
    {
        if (!m_pcb)
            return Errno::ebadf;
        if (!to && !m_is_connected)
            return Errno::edestaddrreq;
        const Endpoint& destination = to ? *to : m_peer;
        TRY(check_family(destination));
        // ping_common_sendmsg: only an echo request, with at least its header.
        if (bytes.size() < icmp_header_bytes || bytes.size() > 0xffff - PBUF_IP)
            return bytes.size() < icmp_header_bytes ? Errno::einval : Errno::emsgsize;
        u8 request_type = m_family == Family::v6 ? ICMP6_TYPE_EREQ : ICMP_ECHO;
        if (bytes[0] != request_type || bytes[1] != 0)
            return Errno::einval;
        TRY(autobind());
        pbuf* p = pbuf_alloc(PBUF_IP, static_cast<u16_t>(bytes.size()), PBUF_RAM);
        if (!p)
            return Errno::enobufs;
        pbuf_take(p, bytes.data(), static_cast<u16_t>(bytes.size()));
        // The identifier is the socket's and the checksum the kernel's (ping_v4_sendmsg).
        u16_t identifier = lwip_htons(m_identifier);
        u16_t zero = 0;
        pbuf_take_at(p, &identifier, sizeof identifier, identifier_offset);
        pbuf_take_at(p, &zero, sizeof zero, checksum_offset);
        if (m_family == Family::v4) {
            u16_t checksum = inet_chksum_pbuf(p);
            pbuf_take_at(p, &checksum, sizeof checksum, checksum_offset);
        }
        ip_addr_t ip = glue::ip_of(destination);
        err_t err = raw_sendto(m_pcb, p, &ip);
        pbuf_free(p);
        glue::deliver_packets();
        if (err == ERR_RTE)
            return Errno::enetunreach;
        if (err != ERR_OK)
            return Errno::enobufs;
        return bytes.size();
    }

    void close() override
    {
        if (!m_pcb)
            return;
        raw_remove(std::exchange(m_pcb, nullptr));
        if (m_identifier)
            Identifiers::get().release(std::exchange(m_identifier, 0));
    }

    Endpoint local() const override
    {
        if (!m_pcb)
            return Endpoint {m_family == Family::v6};
        Endpoint local = glue::endpoint_of(m_pcb->local_ip, m_identifier);
        local.is_v6 = m_family == Family::v6;
        return local;
    }

    Endpoint peer() const override { return m_is_connected ? m_peer : Endpoint {m_family == Family::v6}; }

private:
    Result<void> check_family(const Endpoint& remote) const
    {
        if (m_family == Family::v4 && remote.is_v6)
            return Errno::eafnosupport;
        // An IPv4-mapped destination of an ICMPv6 socket (ping_v6_sendmsg).
        if (m_family == Family::v6 && !remote.is_v6)
            return Errno::einval;
        return {};
    }

    /// inet_autobind: a socket that sends or connects unbound gets a free identifier.
    Result<void> autobind()
    {
        if (!m_identifier)
            m_identifier = TRY(Identifiers::get().claim(0, false));
        return {};
    }

    /// Takes (returns 1, having freed it) an echo reply with this socket's identifier; anything
    /// else goes on to other sockets and to lwIP's own ICMP handling (0, untouched).
    static u8_t on_receive(void* arg, raw_pcb* pcb, pbuf* p, const ip_addr_t* from)
    {
        auto& self = *static_cast<LwipPing*>(arg);
        u16 header_bytes = static_cast<u16>(ip_current_header_tot_len());
        if (!self.m_identifier || p->tot_len < header_bytes + icmp_header_bytes)
            return 0;
        u8 header[icmp_header_bytes];
        pbuf_copy_partial(p, header, sizeof header, header_bytes);
        u8 reply_type = self.m_family == Family::v6 ? ICMP6_TYPE_EREP : ICMP_ER;
        u16 identifier = static_cast<u16>(header[identifier_offset] << 8 | header[identifier_offset + 1]);
        if (header[0] != reply_type || header[1] != 0 || identifier != self.m_identifier)
            return 0;
        u16 length = static_cast<u16>(p->tot_len - header_bytes);
        Datagram datagram;
        datagram.bytes.resize(length);
        pbuf_copy_partial(p, datagram.bytes.data(), length, header_bytes);
        datagram.from = glue::endpoint_of(*from, 0);
        if (self.queue_received(std::move(datagram))) {
            self.changed.wake_all();
            Socket::notify_readiness();
        }
        pbuf_free(p);
        return 1;
    }

    raw_pcb* m_pcb;
    Family m_family;
    u16 m_identifier {0};
    bool m_is_connected {false};
    Endpoint m_peer;
};

} // namespace

Result<Ref<UdpPort>> create_ping(Family family)
{
    glue::start_stack();
    bool is_v6 = family != Family::v4;
    raw_pcb* pcb = raw_new_ip_type(is_v6 ? IPADDR_TYPE_V6 : IPADDR_TYPE_V4, is_v6 ? IP6_NEXTH_ICMP6 : IP_PROTO_ICMP);
    if (!pcb)
        return Errno::enobufs;
    return Ref<UdpPort>(make_ref<LwipPing>(pcb, is_v6 ? Family::v6 : Family::v4));
}

} // namespace asterix::services::inet
