// The adapter between the socket layer (services/net/inet_socket.cpp) and lwIP's raw API.
// lwIP runs without an OS (NO_SYS=1): it is called from one kernel task at a time (the
// scheduler is cooperative), its loopback packets are delivered by pump() before each call
// returns, and its timers run from a KernelTimer while any connection lives. Received bytes
// leave lwIP's buffers at once for the socket's own buffer; the receive window only opens when
// the guest reads them, so the window bounds that buffer.
#include <algorithm>
#include <cstring>
#include <vector>

#include "frame/clock.h"
#include "frame/log.h"
#include "lwip_glue.h"
#include "services/net/inet_stack.h"
#include "services/net/socket.h"
#include "services/process/kernel_timer.h"
#include "net_lwip/ethernet_link.h"

#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

extern "C" {

u32_t sys_now(void) { return static_cast<u32_t>(asterix::frame::monotonic_ns() / 1'000'000); }

unsigned int asterix_lwip_random(void)
{
    unsigned int value = 0;
    // SAFETY: the span covers exactly the object's bytes.
    asterix::frame::random_bytes(std::span<asterix::u8>(reinterpret_cast<asterix::u8*>(&value), sizeof value));
    return value;
}

void asterix_lwip_diag(const char* message) { asterix::frame::klog(asterix::frame::LogLevel::debug, "lwip: %s", message); }

signed char asterix_lwip_tcp_inpacket(struct tcp_pcb* pcb, struct tcp_hdr* hdr, struct pbuf* p)
{
    // Listening pcbs are smaller (struct tcp_pcb_listen): only the common fields may be read.
    if (pcb->state == LISTEN || pcb->state == TIME_WAIT || pcb->rcv_wnd != 0 || p->tot_len != 0)
        return ERR_OK;
    // The header's fields are already in host order here (tcp_input converted them).
    bool is_duplicate_ack = TCPH_FLAGS(hdr) == TCP_ACK && hdr->seqno == pcb->rcv_nxt && hdr->ackno == pcb->lastack
        && hdr->wnd == pcb->snd_wnd;
    return is_duplicate_ack ? ERR_ABRT : ERR_OK;
}

void asterix_lwip_assert(const char* message, const char* file, int line)
{
    asterix::frame::panic("lwip assertion: %s at %s:%d", message, file, line);
}
}

namespace asterix::services::inet {

namespace {

constexpr int as_int(Errno error) { return static_cast<int>(error); }

/// lwIP's errors as errno, for the calls that return them.
Errno errno_of(err_t err)
{
    switch (err) {
    case ERR_MEM:
    case ERR_BUF: return Errno::enobufs;
    case ERR_RTE: return Errno::enetunreach;
    case ERR_USE: return Errno::eaddrinuse;
    case ERR_ISCONN: return Errno::eisconn;
    case ERR_CONN: return Errno::enotconn;
    case ERR_RST: return Errno::econnreset;
    case ERR_ABRT: return Errno::econnaborted;
    case ERR_CLSD: return Errno::epipe;
    case ERR_ALREADY: return Errno::ealready;
    case ERR_INPROGRESS: return Errno::einprogress;
    case ERR_TIMEOUT: return Errno::etimedout;
    default: return Errno::einval;
    }
}

ip_addr_t to_ip(const Endpoint& endpoint)
{
    ip_addr_t ip {};
    if (endpoint.is_v6) {
        IP_SET_TYPE_VAL(ip, IPADDR_TYPE_V6);
        std::memcpy(ip_2_ip6(&ip)->addr, endpoint.address.data(), 16);
    } else {
        IP_SET_TYPE_VAL(ip, IPADDR_TYPE_V4);
        std::memcpy(&ip_2_ip4(&ip)->addr, endpoint.address.data(), 4);
    }
    return ip;
}

Endpoint from_ip(const ip_addr_t& ip, u16 port)
{
    Endpoint endpoint;
    endpoint.port = port;
    if (IP_IS_V6_VAL(ip) && !IP_IS_ANY_TYPE_VAL(ip)) {
        endpoint.is_v6 = true;
        std::memcpy(endpoint.address.data(), ip_2_ip6(&ip)->addr, 16);
    } else if (IP_IS_ANY_TYPE_VAL(ip)) {
        endpoint.is_v6 = true;
    } else {
        std::memcpy(endpoint.address.data(), &ip_2_ip4(&ip)->addr, 4);
    }
    return endpoint;
}

u8 ip_type_of(Family family)
{
    switch (family) {
    case Family::v4: return IPADDR_TYPE_V4;
    case Family::v6: return IPADDR_TYPE_V6;
    case Family::dual: return IPADDR_TYPE_ANY;
    }
    return IPADDR_TYPE_ANY;
}

/// The address to bind: "any" of the endpoint's kind (both kinds for a dual endpoint).
ip_addr_t bind_address(const Endpoint& local, Family family)
{
    if (local.is_any()) {
        if (family == Family::dual)
            return *IP_ANY_TYPE;
        return local.is_v6 ? *IP6_ADDR_ANY : *IP4_ADDR_ANY;
    }
    return to_ip(local);
}

void run_timers();
void pump();

/// lwIP's global state: started on first use; its timers run while connections exist.
struct Stack {
    bool is_started {false};
    usize live_endpoints {0};
    /// Every TCP connection, woken on each timer run: a sender that found no room waits for
    /// an acknowledgement, and the timer's retransmissions are what bring it when one is lost.
    std::vector<frame::WaitQueue*> connection_queues;
    KernelTimer timer {[] { run_timers(); }};

    static Stack& get()
    {
        static Stack* stack = new Stack();
        if (!stack->is_started) {
            stack->is_started = true;
            lwip_init();
            start_ethernet_link(pump);
        }
        return *stack;
    }
};

bool has_queued_packets()
{
    struct netif* netif;
    NETIF_FOREACH(netif)
    {
        if (netif->loop_first)
            return true;
    }
    return false;
}

void arm_timer()
{
    Stack& stack = Stack::get();
    bool is_needed = stack.live_endpoints > 0 || tcp_active_pcbs || tcp_tw_pcbs;
    if (!is_needed || stack.timer.is_armed())
        return;
    u32 sleep_ms = std::max<u32>(1, std::min<u32>(sys_timeouts_sleeptime(), TCP_TMR_INTERVAL));
    stack.timer.arm(frame::monotonic_ns() + u64 {sleep_ms} * 1'000'000);
}

/// Delivers every packet lwIP queued on the loopback interface, and the packets those cause.
/// Delayed ACKs go out at once (tcp_fasttmr): on loopback a delayed ACK only stalls a sender.
void pump()
{
    // A bound on rounds keeps a guest that makes packets loop for ever from holding the kernel.
    for (int round = 0; round < 100'000; ++round) {
        if (has_queued_packets())
            netif_poll_all();
        tcp_fasttmr();
        if (!has_queued_packets())
            break;
    }
    Socket::notify_readiness();
    arm_timer();
}

void run_timers()
{
    sys_check_timeouts();
    pump();
    for (frame::WaitQueue* queue : Stack::get().connection_queues)
        queue->wake_all();
}

bool is_loopback(const Endpoint& endpoint)
{
    if (endpoint.is_v6) {
        for (usize i = 0; i < 15; ++i) {
            if (endpoint.address[i])
                return false;
        }
        return endpoint.address[15] == 1;
    }
    return endpoint.address[0] == 127;
}

u8 linux_state_of(enum tcp_state state);

class LwipTcp final : public TcpConnection {
public:
    LwipTcp(tcp_pcb* pcb, Family family) : m_pcb(pcb), m_family(family)
    {
        ++Stack::get().live_endpoints;
        Stack::get().connection_queues.push_back(&changed);
        attach();
    }

    ~LwipTcp() override
    {
        close();
        std::erase(Stack::get().connection_queues, &changed);
        --Stack::get().live_endpoints;
    }

    Result<void> bind(const Endpoint& local, bool is_reusing_address) override
    {
        if (!m_pcb || m_is_bound || m_pcb->state != CLOSED)
            return Errno::einval;
        if (!is_local_address(local))
            return Errno::eaddrnotavail;
        if (is_reusing_address)
            ip_set_option(m_pcb, SOF_REUSEADDR);
        ip_addr_t ip = bind_address(local, m_family);
        err_t err = tcp_bind(m_pcb, &ip, local.port);
        if (err != ERR_OK)
            return err == ERR_USE ? Errno::eaddrinuse : errno_of(err);
        m_is_bound = true;
        remember_endpoints();
        return {};
    }

    bool is_bound() const override { return m_is_bound; }

    Result<void> listen(u32 backlog) override
    {
        if (!m_pcb)
            return Errno::einval;
        // listen(2) once more only changes the backlog.
        u8 lwip_backlog = static_cast<u8>(std::min<u32>(backlog + 1, 255));
        if (m_is_listening) {
            tcp_backlog_set(m_pcb, lwip_backlog);
            m_backlog = backlog;
            return {};
        }
        if (m_pcb->state != CLOSED)
            return Errno::einval;
        if (!m_is_bound)
            TRY(bind(Endpoint {m_family != Family::v4}, false));
        err_t err = ERR_OK;
        // The backlog counts connections the guest has not accepted yet: each accepted pcb
        // stays "delayed" until accept(2) takes it, so a full queue makes lwIP drop new SYNs
        // (the peer retries), which is what Linux does with a full accept queue.
        tcp_pcb* listener = tcp_listen_with_backlog_and_err(m_pcb, lwip_backlog, &err);
        if (!listener)
            return err == ERR_USE ? Errno::eaddrinuse : errno_of(err);
        m_backlog = backlog;
        m_pcb = listener;
        m_is_listening = true;
        tcp_arg(m_pcb, this);
        tcp_accept(m_pcb, &LwipTcp::on_accept);
        return {};
    }

    Result<void> connect(const Endpoint& remote) override
    {
        if (!m_pcb || m_is_listening)
            return Errno::einval;
        if (m_family == Family::v4 && remote.is_v6)
            return Errno::eafnosupport;
        if (m_family == Family::v6 && !remote.is_v6)
            return Errno::enetunreach;
        ip_addr_t ip = to_ip(remote);
        err_t err = tcp_connect(m_pcb, &ip, remote.port, &LwipTcp::on_connected);
        if (err != ERR_OK)
            return errno_of(err);
        m_is_bound = true;
        is_connecting = true;
        remember_endpoints();
        pump();
        return {};
    }

    usize send_room() const override
    {
        if (!m_pcb || m_is_listening)
            return 0;
        // Each segment of up to one MSS takes a queue entry (tcp_write_checks), plus slack for
        // a segment that is only partly filled.
        usize free_entries = TCP_SND_QUEUELEN - std::min<usize>(tcp_sndqueuelen(m_pcb), TCP_SND_QUEUELEN);
        if (free_entries <= 2)
            return 0;
        // Unacknowledged sends live on lwIP's heap, and so does every packet on its way over
        // the loopback (and every ACK). Were sends to fill the heap, nothing could be delivered
        // or acknowledged again and every connection would stall for good; so the last part
        // of the heap is kept for traffic in flight, and senders wait for room instead.
        constexpr usize heap_reserve_bytes = MEM_SIZE / 4;
        if (lwip_stats.mem.used + heap_reserve_bytes >= MEM_SIZE)
            return 0;
        return std::min<usize>(tcp_sndbuf(m_pcb), (free_entries - 2) * tcp_mss(m_pcb));
    }

    Result<usize> send(std::span<const u8> bytes, bool has_more) override
    {
        usize n = std::min(bytes.size(), send_room());
        u8 flags = TCP_WRITE_FLAG_COPY | (has_more ? TCP_WRITE_FLAG_MORE : 0);
        // tcp_write takes nothing when the bytes need more buffers than lwIP has left (its
        // queue length or heap): try less before reporting no room.
        for (; n > 0; n /= 2) {
            err_t err = tcp_write(m_pcb, bytes.data(), static_cast<u16_t>(n), flags);
            if (err == ERR_OK)
                break;
            if (err != ERR_MEM)
                return errno_of(err);
        }
        if (m_pcb)
            tcp_output(m_pcb);
        pump();
        return n;
    }

    void consume(usize bytes) override
    {
        while (m_pcb && bytes > 0) {
            u16 step = static_cast<u16>(std::min<usize>(bytes, 0xffff));
            tcp_recved(m_pcb, step);
            bytes -= step;
        }
        pump();
    }

    void accepted() override
    {
        if (m_is_backlogged && m_pcb)
            tcp_backlog_accepted(m_pcb);
        m_is_backlogged = false;
    }

    void shutdown_write() override
    {
        if (m_pcb && !m_is_listening && m_pcb->state != CLOSED)
            tcp_shutdown(m_pcb, 0, 1);
        pump();
    }

    void close() override
    {
        for (auto& child : accept_queue)
            static_cast<LwipTcp&>(*child).abort();
        accept_queue.clear();
        if (!m_pcb)
            return;
        remember_endpoints();
        tcp_pcb* pcb = std::exchange(m_pcb, nullptr);
        tcp_arg(pcb, nullptr);
        if (m_is_listening) {
            tcp_close(pcb);
        } else {
            // Unread bytes make Linux reset the connection instead of closing it gracefully.
            if (!received.empty() || tcp_close(pcb) != ERR_OK)
                tcp_abort(pcb);
        }
        pump();
    }

    void reset() override
    {
        if (m_pcb && !m_is_listening) {
            remember_endpoints();
            abort();
            pump();
        }
        close();
    }

    Endpoint local() const override
    {
        if (!m_pcb)
            return m_local;
        return from_ip(m_pcb->local_ip, m_pcb->local_port);
    }

    Endpoint peer() const override
    {
        if (!m_pcb || m_is_listening)
            return m_peer;
        return from_ip(m_pcb->remote_ip, m_pcb->remote_port);
    }

    void set_nodelay(bool is_on) override
    {
        m_is_nodelay = is_on;
        if (m_pcb && !m_is_listening) {
            if (is_on)
                tcp_nagle_disable(m_pcb);
            else
                tcp_nagle_enable(m_pcb);
        }
    }

    bool is_nodelay() const override { return m_is_nodelay; }

    void set_keepalive(bool is_on) override
    {
        if (!m_pcb)
            return;
        if (is_on)
            ip_set_option(m_pcb, SOF_KEEPALIVE);
        else
            ip_reset_option(m_pcb, SOF_KEEPALIVE);
    }

    void set_keepalive_timing(u32 idle_s, u32 interval_s, u32 count) override
    {
        // A listener's pcb is the smaller tcp_pcb_listen, without these fields; the sockets it
        // accepts get the listening socket's values from the socket layer.
        if (!m_pcb || m_is_listening)
            return;
        m_pcb->keep_idle = idle_s * 1000;
        m_pcb->keep_intvl = interval_s * 1000;
        m_pcb->keep_cnt = count;
    }

    TcpInfo info() const override
    {
        if (!m_pcb || (!m_is_listening && m_pcb->state == CLOSED))
            return TcpInfo::of_closed_socket();
        TcpInfo info;
        info.reordering = 3;
        if (m_is_listening) {
            // Linux reports a listener's accept queue and backlog in these two fields.
            info.state = linux_state_of(LISTEN);
            info.unacked = static_cast<u32>(accept_queue.size());
            info.sacked = m_backlog;
            info.snd_cwnd_segments = 10;
            return info;
        }
        const tcp_pcb& pcb = *m_pcb;
        u32 mss = std::max<u32>(pcb.mss, 1);
        constexpr u32 tick_us = TCP_SLOW_INTERVAL * 1000;
        info.state = linux_state_of(pcb.state);
        info.retransmits = pcb.nrtx;
        info.rto_us = static_cast<u32>(std::max<s16_t>(pcb.rto, 0)) * tick_us;
        info.snd_mss_bytes = pcb.mss;
        // lwIP keeps no estimate of the peer's segment size: its own MSS stands in.
        info.rcv_mss_bytes = pcb.mss;
        for (const tcp_seg* seg = pcb.unacked; seg; seg = seg->next)
            ++info.unacked;
        // lwIP's estimator counts coarse ticks: the mean scaled by 8, the deviation by 4.
        info.rtt_us = static_cast<u32>(std::max<s16_t>(pcb.sa, 0) >> 3) * tick_us;
        info.rttvar_us = static_cast<u32>(std::max<s16_t>(pcb.sv, 0) >> 2) * tick_us;
        info.snd_ssthresh_segments = pcb.ssthresh >= 0xffff ? 0x7fff'ffff : pcb.ssthresh / mss;
        info.snd_cwnd_segments = std::max<u32>(pcb.cwnd / mss, 1);
        info.advmss_bytes = pcb.mss;
        info.rcv_space_bytes = pcb.rcv_wnd;
        return info;
    }

private:
    void attach()
    {
        tcp_arg(m_pcb, this);
        tcp_recv(m_pcb, &LwipTcp::on_receive);
        tcp_sent(m_pcb, &LwipTcp::on_sent);
        tcp_err(m_pcb, &LwipTcp::on_error);
    }

    /// The pcb's fields may not be read once lwIP freed it (before on_error runs), so the
    /// endpoints are kept from the last time they changed.
    void remember_endpoints()
    {
        if (!m_pcb)
            return;
        m_local = local();
        m_peer = peer();
    }

    void wake()
    {
        changed.wake_all();
        Socket::notify_readiness();
    }

    /// A connection that was never accepted: reset, as Linux does when its listener closes.
    void abort()
    {
        if (!m_pcb)
            return;
        tcp_pcb* pcb = std::exchange(m_pcb, nullptr);
        tcp_arg(pcb, nullptr);
        tcp_abort(pcb);
        is_dead = true;
    }

    static err_t on_accept(void* arg, tcp_pcb* pcb, err_t err)
    {
        if (!arg || err != ERR_OK || !pcb)
            return ERR_VAL;
        auto& listener = *static_cast<LwipTcp*>(arg);
        auto connection = make_ref<LwipTcp>(pcb, listener.m_family);
        connection->is_connected = true;
        connection->m_is_bound = true;
        connection->m_is_nodelay = listener.m_is_nodelay;
        if (listener.m_is_nodelay)
            tcp_nagle_disable(pcb);
        tcp_backlog_delayed(pcb);
        connection->m_is_backlogged = true;
        connection->remember_endpoints();
        listener.accept_queue.push_back(Ref<TcpConnection>(connection));
        listener.wake();
        return ERR_OK;
    }

    static err_t on_connected(void* arg, tcp_pcb* pcb, err_t err)
    {
        if (!arg)
            return ERR_OK;
        auto& self = *static_cast<LwipTcp*>(arg);
        self.is_connecting = false;
        self.is_connected = true;
        self.remember_endpoints();
        if (self.m_is_nodelay)
            tcp_nagle_disable(pcb);
        self.wake();
        return ERR_OK;
    }

    static err_t on_receive(void* arg, tcp_pcb* pcb, pbuf* p, err_t err)
    {
        if (!arg) {
            if (p) {
                tcp_recved(pcb, p->tot_len);
                pbuf_free(p);
            }
            return ERR_OK;
        }
        auto& self = *static_cast<LwipTcp*>(arg);
        if (!p) {
            self.is_peer_closed = true;
            self.wake();
            return ERR_OK;
        }
        std::vector<u8> bytes(p->tot_len);
        pbuf_copy_partial(p, bytes.data(), p->tot_len, 0);
        // Past the instance's kernel-memory bound lwIP keeps the pbuf as refused data and
        // offers it again from its timers; its window stays closed meanwhile.
        if (!self.queue_received(bytes))
            return ERR_MEM;
        pbuf_free(p);
        self.wake();
        return ERR_OK;
    }

    static err_t on_sent(void* arg, tcp_pcb* pcb, u16_t len)
    {
        if (arg)
            static_cast<LwipTcp*>(arg)->wake();
        return ERR_OK;
    }

    /// The pcb is already freed when this runs.
    static void on_error(void* arg, err_t err)
    {
        if (!arg)
            return;
        auto& self = *static_cast<LwipTcp*>(arg);
        self.m_pcb = nullptr;
        self.is_dead = true;
        if (err == ERR_CLSD) {
            // Both directions closed normally; nothing to report.
        } else if (self.is_connecting) {
            self.error = as_int(err == ERR_RST ? Errno::econnrefused : Errno::etimedout);
        } else if (err == ERR_RST) {
            // tcp_reset: a reset after the peer's FIN is EPIPE, before it ECONNRESET.
            self.error = as_int(self.is_peer_closed ? Errno::epipe : Errno::econnreset);
        } else {
            self.error = as_int(err == ERR_ABRT ? Errno::etimedout : errno_of(err));
        }
        self.is_connecting = false;
        self.is_connected = false;
        self.wake();
    }

    tcp_pcb* m_pcb;
    Family m_family;
    bool m_is_bound {false};
    bool m_is_listening {false};
    bool m_is_backlogged {false};
    bool m_is_nodelay {false};
    u32 m_backlog {0};
    Endpoint m_local;
    Endpoint m_peer;
};

class LwipUdp final : public UdpPort {
public:
    LwipUdp(udp_pcb* pcb, Family family) : m_pcb(pcb), m_family(family)
    {
        ++Stack::get().live_endpoints;
        udp_recv(m_pcb, &LwipUdp::on_receive, this);
    }

    ~LwipUdp() override
    {
        close();
        --Stack::get().live_endpoints;
    }

    Result<void> bind(const Endpoint& local, bool is_reusing_address) override
    {
        if (!m_pcb || m_is_bound)
            return Errno::einval;
        if (!is_local_address(local))
            return Errno::eaddrnotavail;
        if (is_reusing_address)
            ip_set_option(m_pcb, SOF_REUSEADDR);
        ip_addr_t ip = bind_address(local, m_family);
        err_t err = udp_bind(m_pcb, &ip, local.port);
        if (err != ERR_OK)
            return errno_of(err);
        m_is_bound = true;
        return {};
    }

    bool is_bound() const override { return m_is_bound; }

    Result<void> connect(const Endpoint& remote) override
    {
        if (!m_pcb)
            return Errno::einval;
        TRY(check_family(remote));
        ip_addr_t ip = to_ip(remote);
        err_t err = udp_connect(m_pcb, &ip, remote.port);
        if (err != ERR_OK)
            return errno_of(err);
        m_is_bound = true;
        return {};
    }

    void disconnect() override
    {
        if (m_pcb)
            udp_disconnect(m_pcb);
    }

    Result<usize> send(std::span<const u8> bytes, const Endpoint* to) override
    {
        if (!m_pcb)
            return Errno::ebadf;
        // The largest payload one lwIP buffer holds with IPv6 headers reserved.
        if (bytes.size() > 0xffff - PBUF_TRANSPORT)
            return Errno::emsgsize;
        if (to)
            TRY(check_family(*to));
        pbuf* p = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(bytes.size()), PBUF_RAM);
        if (!p)
            return Errno::enobufs;
        pbuf_take(p, bytes.data(), static_cast<u16_t>(bytes.size()));
        err_t err;
        if (to) {
            ip_addr_t ip = to_ip(*to);
            err = udp_sendto(m_pcb, p, &ip, to->port);
        } else {
            err = udp_send(m_pcb, p);
        }
        pbuf_free(p);
        m_is_bound = true;
        pump();
        if (err != ERR_OK)
            return errno_of(err);
        return bytes.size();
    }

    void close() override
    {
        if (!m_pcb)
            return;
        udp_remove(std::exchange(m_pcb, nullptr));
    }

    Endpoint local() const override { return m_pcb ? from_ip(m_pcb->local_ip, m_pcb->local_port) : Endpoint {}; }

    Endpoint peer() const override
    {
        if (!m_pcb || !(m_pcb->flags & UDP_FLAGS_CONNECTED))
            return Endpoint {};
        return from_ip(m_pcb->remote_ip, m_pcb->remote_port);
    }

private:
    Result<void> check_family(const Endpoint& remote) const
    {
        if (m_family == Family::v4 && remote.is_v6)
            return Errno::eafnosupport;
        if (m_family == Family::v6 && !remote.is_v6)
            return Errno::enetunreach;
        return {};
    }

    static void on_receive(void* arg, udp_pcb* pcb, pbuf* p, const ip_addr_t* addr, u16_t port)
    {
        auto& self = *static_cast<LwipUdp*>(arg);
        Datagram datagram;
        datagram.bytes.resize(p->tot_len);
        pbuf_copy_partial(p, datagram.bytes.data(), p->tot_len, 0);
        datagram.from = from_ip(*addr, port);
        pbuf_free(p);
        if (!self.queue_received(std::move(datagram)))
            return;
        self.changed.wake_all();
        Socket::notify_readiness();
    }

    udp_pcb* m_pcb;
    Family m_family;
    bool m_is_bound {false};
};

} // namespace

namespace glue {
void start_stack() { Stack::get(); }
void deliver_packets() { pump(); }
ip_addr_t ip_of(const Endpoint& endpoint) { return to_ip(endpoint); }
Endpoint endpoint_of(const ip_addr_t& ip, u16 port) { return from_ip(ip, port); }
ip_addr_t bind_address_of(const Endpoint& local, Family family) { return bind_address(local, family); }
} // namespace glue

bool is_local_address(const Endpoint& local)
{
    if (local.is_any() || is_loopback(local))
        return true;
    // An address of an interface (the device's 10.0.2.15).
    ip_addr_t ip = to_ip(local);
    struct netif* netif;
    NETIF_FOREACH(netif)
    {
        if (!local.is_v6 && ip4_addr_cmp(ip_2_ip4(&ip), netif_ip4_addr(netif)))
            return true;
    }
    return false;
}

namespace {

/// lwIP's TCP states as Linux numbers them (include/net/tcp_states.h).
u8 linux_state_of(enum tcp_state state)
{
    switch (state) {
    case ESTABLISHED: return 1;
    case SYN_SENT: return 2;
    case SYN_RCVD: return 3;
    case FIN_WAIT_1: return 4;
    case FIN_WAIT_2: return 5;
    case TIME_WAIT: return 6;
    case CLOSED: return 7;
    case CLOSE_WAIT: return 8;
    case LAST_ACK: return 9;
    case LISTEN: return 10;
    case CLOSING: return 11;
    }
    return 7;
}

bool is_v6_pcb(const ip_addr_t& local) { return IP_IS_V6_VAL(local) || IP_IS_ANY_TYPE_VAL(local); }

} // namespace

std::vector<EndpointEntry> list_tcp(bool is_v6)
{
    Stack::get();
    std::vector<EndpointEntry> entries;
    for (tcp_pcb_listen* pcb = tcp_listen_pcbs.listen_pcbs; pcb; pcb = pcb->next) {
        if (is_v6_pcb(pcb->local_ip) != is_v6)
            continue;
        EndpointEntry entry;
        entry.local = from_ip(pcb->local_ip, pcb->local_port);
        entry.remote.is_v6 = is_v6;
        entry.state = linux_state_of(LISTEN);
        if (pcb->callback_arg)
            entry.receive_queue_bytes = static_cast<u32>(static_cast<TcpConnection*>(pcb->callback_arg)->accept_queue.size());
        entries.push_back(entry);
    }
    for (tcp_pcb* list : {tcp_active_pcbs, tcp_tw_pcbs}) {
        for (tcp_pcb* pcb = list; pcb; pcb = pcb->next) {
            if (is_v6_pcb(pcb->local_ip) != is_v6)
                continue;
            EndpointEntry entry;
            entry.local = from_ip(pcb->local_ip, pcb->local_port);
            entry.remote = from_ip(pcb->remote_ip, pcb->remote_port);
            entry.state = linux_state_of(pcb->state);
            // Bytes written and not yet acknowledged; a FIN's sequence number counts in lastack,
            // so a closed connection would come out one below zero.
            u32 unacknowledged = pcb->snd_lbb - pcb->lastack;
            entry.send_queue_bytes = unacknowledged <= TCP_SND_BUF ? unacknowledged : 0;
            if (pcb->callback_arg)
                entry.receive_queue_bytes = static_cast<u32>(static_cast<TcpConnection*>(pcb->callback_arg)->received.size());
            entries.push_back(entry);
        }
    }
    return entries;
}

std::vector<EndpointEntry> list_udp(bool is_v6)
{
    Stack::get();
    std::vector<EndpointEntry> entries;
    for (udp_pcb* pcb = udp_pcbs; pcb; pcb = pcb->next) {
        if (is_v6_pcb(pcb->local_ip) != is_v6)
            continue;
        EndpointEntry entry;
        entry.local = from_ip(pcb->local_ip, pcb->local_port);
        entry.remote = (pcb->flags & UDP_FLAGS_CONNECTED) ? from_ip(pcb->remote_ip, pcb->remote_port) : Endpoint {is_v6};
        if (pcb->recv_arg)
            entry.receive_queue_bytes = static_cast<u32>(static_cast<UdpPort*>(pcb->recv_arg)->received_bytes);
        entries.push_back(entry);
    }
    return entries;
}

Result<Ref<TcpConnection>> create_tcp(Family family)
{
    Stack::get();
    tcp_pcb* pcb = tcp_new_ip_type(ip_type_of(family));
    if (!pcb)
        return Errno::enobufs;
    return Ref<TcpConnection>(make_ref<LwipTcp>(pcb, family));
}

Result<Ref<UdpPort>> create_udp(Family family)
{
    Stack::get();
    udp_pcb* pcb = udp_new_ip_type(ip_type_of(family));
    if (!pcb)
        return Errno::enobufs;
    return Ref<UdpPort>(make_ref<LwipUdp>(pcb, family));
}

} // namespace asterix::services::inet
