/* Bytes that INET sockets hold for the guest are charged to the instance's kernel-memory
 * bound (an eighth of --mem), as AF_UNIX queues are: many UDP sockets with unread datagrams
 * reach it and further datagrams are dropped (each socket alone stays under its SO_RCVBUF);
 * many TCP connections with unread bytes reach it and their senders stall (EAGAIN) while the
 * stack holds the rest back, and nothing is lost: once the guest reads, every byte arrives.
 * Reading gives the charge back: afterwards the sockets queue again. The bound is small
 * (--mem 8M) so that it, and not lwIP's own 2 MiB heap, is what the TCP senders meet first.
 * Not on bare metal: with --mem 8M the shell that starts the test there cannot fork.
 */
// native: skip (Linux's bound is the memory cgroup's, not --mem's)
// asterix-args: --mem 8M
// bare-metal: skip
#include "check.h"
#include "monotonic.h"
#include "tcp_pairs.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define UDP_SOCKETS 100
#define TCP_PAIRS 64
#define BOUND_BYTES (1 << 20)

static struct sockaddr_in loopback(void)
{
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    return address;
}

/* Sends 8 KiB datagrams from each socket to itself until its queue is full, then counts what
 * they all hold. */
static long fill_udp(int *fds, int count)
{
    static char chunk[8192];
    for (int i = 0; i < count; i++) {
        for (int n = 0; n < 64; n++)
            CHECK(send(fds[i], chunk, sizeof chunk, 0) == sizeof chunk);
    }
    long held = 0;
    for (int i = 0; i < count; i++) {
        for (;;) {
            ssize_t got = recv(fds[i], chunk, sizeof chunk, MSG_DONTWAIT);
            if (got < 0) {
                CHECK(errno == EAGAIN);
                break;
            }
            held += got;
        }
    }
    return held;
}

static void check_udp(void)
{
    static int fds[UDP_SOCKETS];
    for (int i = 0; i < UDP_SOCKETS; i++) {
        fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
        CHECK(fds[i] >= 0);
        struct sockaddr_in address = loopback();
        CHECK(bind(fds[i], (struct sockaddr *)&address, sizeof address) == 0);
        socklen_t len = sizeof address;
        CHECK(getsockname(fds[i], (struct sockaddr *)&address, &len) == 0);
        CHECK(connect(fds[i], (struct sockaddr *)&address, sizeof address) == 0);
    }
    /* 100 sockets of 212992 bytes each would hold 20 MiB: the bound holds far less. */
    long first = fill_udp(fds, UDP_SOCKETS);
    CHECK(first > BOUND_BYTES / 4 && first < BOUND_BYTES);
    /* Read, so charged again from nothing: as much fits as before. */
    long second = fill_udp(fds, UDP_SOCKETS);
    CHECK(second > first / 2 && second < BOUND_BYTES);
    for (int i = 0; i < UDP_SOCKETS; i++)
        close(fds[i]);
    printf("inet_kernel_memory: UDP ok (%ld bytes queued of 20 MiB sent)\n", first);
}

static void check_tcp(void)
{
    static int clients[TCP_PAIRS], servers[TCP_PAIRS];
    static long sent[TCP_PAIRS];
    connect_tcp_pairs(clients, servers, TCP_PAIRS);
    /* Each sender writes until it would block: 128 receive windows of 64 KiB are 8 MiB. */
    static char chunk[16384];
    long total_sent = 0;
    for (int i = 0; i < TCP_PAIRS; i++) {
        for (;;) {
            ssize_t n = send(clients[i], chunk, sizeof chunk, 0);
            if (n < 0) {
                CHECK(errno == EAGAIN);
                break;
            }
            sent[i] += n;
        }
        total_sent += sent[i];
    }
    long queued = 0;
    for (int i = 0; i < TCP_PAIRS; i++) {
        int ready = 0;
        CHECK(ioctl(servers[i], FIONREAD, &ready) == 0);
        queued += ready;
    }
    CHECK(queued < BOUND_BYTES);
    CHECK(total_sent > queued);
    /* Everything arrives once read, all connections at once: bytes the stack held back come
     * as the charge goes back, and segments it dropped meanwhile come again when the sender
     * retransmits them (lwIP's coarse timer makes that seconds). */
    double start = now_s(), deadline = start + 100;
    static long got[TCP_PAIRS];
    static struct pollfd ready[TCP_PAIRS];
    long total_read = 0;
    while (total_read < total_sent) {
        CHECK(now_s() < deadline);
        int waiting = 0;
        for (int i = 0; i < TCP_PAIRS; i++) {
            if (got[i] < sent[i])
                ready[waiting++] = (struct pollfd){.fd = servers[i], .events = POLLIN};
        }
        if (poll(ready, waiting, 1000) <= 0)
            continue;
        for (int i = 0; i < waiting; i++) {
            if (!(ready[i].revents & POLLIN))
                continue;
            int pair = 0;
            while (servers[pair] != ready[i].fd)
                pair++;
            ssize_t n = read(servers[pair], chunk, sizeof chunk);
            CHECK(n > 0);
            got[pair] += n;
            total_read += n;
        }
    }
    for (int i = 0; i < TCP_PAIRS; i++) {
        CHECK(got[i] == sent[i]);
        close(clients[i]);
        close(servers[i]);
    }
    printf("inet_kernel_memory: TCP ok (%ld bytes sent, %ld queued at the bound, all read in %.1f s)\n", total_sent, queued, now_s() - start);
}

int main(void)
{
    alarm(150);
    check_udp();
    check_tcp();
    return 0;
}
