/* lwIP's build options for Asterix: the raw (callback) API only, without an OS (NO_SYS=1).
 * The services own threads, timers and waking, so lwIP needs no locks or mailboxes; every call
 * into it comes from a kernel task of the cooperative scheduler, one at a time. */
#pragma once

#define NO_SYS 1
#define LWIP_TIMERS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_ALTCP 0

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_TCP 1
#define LWIP_UDP 1
/* Raw ICMP pcbs carry the ping sockets (lwip_ping.cpp); lwIP itself answers echo requests. */
#define LWIP_RAW 1
#define LWIP_ICMP 1
#define LWIP_IGMP 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_DNS 0
/* ARP and Ethernet for the network device's interface (net_lwip/ethernet_link.cpp). */
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ARP_QUEUEING 1
#define ARP_TABLE_SIZE 16
#define MEMP_NUM_ARP_QUEUE 64
#define LWIP_IPV6_MLD 0
#define LWIP_IPV6_AUTOCONFIG 0
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 0
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 0
#define LWIP_IPV6_DHCP6 0
#define LWIP_ND6_QUEUEING 0
#define IP_FRAG 0
#define IP_REASSEMBLY 0
#define LWIP_IPV6_FRAG 0
#define LWIP_IPV6_REASS 0
#define LWIP_IPV6_SCOPES 0

/* The loopback interface: 127.0.0.1/8 and ::1. Its packets are queued and delivered when the
 * adapter polls it, never from inside the call that sent them. */
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0

/* SO_REUSEADDR. */
#define SO_REUSE 1
#define LWIP_TCP_KEEPALIVE 1

/* Memory: lwIP's own heap and pools, a fixed part of the kernel's memory. Received data leaves
 * lwIP for the socket's buffer at once, so the heap holds mainly unacknowledged sends. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 8
#define MEM_SIZE (2 * 1024 * 1024)
#define MEMP_NUM_PBUF 256
#define MEMP_NUM_UDP_PCB 256
#define MEMP_NUM_RAW_PCB 256
/* Linux has no fixed bound on connections, and a server that closes its ends late keeps both
 * halves of every closed connection (FIN_WAIT_2 and CLOSE_WAIT) in the pool for a while: 50
 * redis-benchmark clients that close at once hold 100. A pcb is a few hundred bytes. */
#define MEMP_NUM_TCP_PCB 1024
#define MEMP_NUM_TCP_PCB_LISTEN 64
#define MEMP_NUM_TCP_SEG 4096
#define MEMP_NUM_REASSDATA 0
/* The pool feeds receive paths of drivers; loopback copies into heap buffers, so the pool is
 * small and lwIP's check that the window fits in it does not apply. */
#define PBUF_POOL_SIZE 4
#define LWIP_DISABLE_TCP_SANITY_CHECKS 1
/* Room for the Ethernet header in front of every packet. */
#define PBUF_LINK_HLEN 14

/* TCP over loopback: the interface has no MTU, so a segment may be large. Without window
 * scaling the window tops out at 64 KiB. */
#define TCP_MSS 8192
#define TCP_WND 65535
#define TCP_SND_BUF 65535
#define TCP_SND_QUEUELEN 64
#define TCP_SNDLOWAT 8192
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define LWIP_TCP_TIMESTAMPS 0
/* Window scaling is offered (with a shift of 0: our own window stays 64 KiB) so that a peer
 * which scales its window, as passt does, has it read as scaled. passt (2023-03) scales the
 * window it announces even when the SYN offered no scaling, so without this lwIP reads a
 * 64 KiB window as a few hundred bytes and sends a segment a second. */
/* lwIP counts retransmission timeouts in slow-timer ticks (twice this interval); at its default
 * 250 ms a segment lost on the way to the NAT (passt takes only what its host socket has room
 * for) stalls a connection for over a second. */
#define TCP_TMR_INTERVAL 50
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 0
#define TCP_QUEUE_OOSEQ 1
#define LWIP_CALLBACK_API 1
#define LWIP_EVENT_API 0

/* Checksums are computed and checked, as a real interface would need. */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_CHECK_IP 1

/* Only the heap's use is counted: the TCP adapter keeps sends from taking the last of it (see
 * send_room in lwip_stack.cpp). */
#define LWIP_STATS 1
#define MEM_STATS 1
#define LINK_STATS 0
#define ETHARP_STATS 0
#define IP_STATS 0
#define IPFRAG_STATS 0
#define ICMP_STATS 0
#define IGMP_STATS 0
#define UDP_STATS 0
#define TCP_STATS 0
#define MEMP_STATS 0
#define SYS_STATS 0
#define IP6_STATS 0
#define ICMP6_STATS 0
#define IP6_FRAG_STATS 0
#define MLD6_STATS 0
#define ND6_STATS 0
#define MIB2_STATS 0
#define LWIP_STATS_DISPLAY 0
#define LWIP_NETIF_API 0
#define LWIP_SINGLE_NETIF 0
#define LWIP_DEBUG 0

/* Randomness for initial sequence numbers and ephemeral ports comes from the adapter. */
#ifdef __cplusplus
extern "C" {
#endif
unsigned int asterix_lwip_random(void);
#ifdef __cplusplus
}
#endif
#define LWIP_RAND() asterix_lwip_random()

/* lwIP 2.1 answers every segment outside a closed receive window with an ACK, pure ACKs
 * included, so two connections whose windows are both closed (an echo whose reader and writer
 * are both full) ACK each other for ever. The hook drops an ACK that repeats exactly what the
 * connection already knows (same sequence, acknowledgement and window, no data): it carries
 * nothing, and answering it is what feeds the loop. */
#ifdef __cplusplus
extern "C" {
#endif
struct tcp_pcb;
struct tcp_hdr;
struct pbuf;
signed char asterix_lwip_tcp_inpacket(struct tcp_pcb* pcb, struct tcp_hdr* hdr, struct pbuf* p);
#ifdef __cplusplus
}
#endif
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) asterix_lwip_tcp_inpacket(pcb, hdr, p)
