/* 128 loopback TCP connections whose senders write until they would block (at most 256 KiB
 * each) while nobody reads, then everything is read: every byte arrives, in the order sent,
 * within a deadline. A sender may find no room at all (EAGAIN at once) while the others hold
 * the memory, as under Linux's tcp_mem pressure. (lwIP keeps unacknowledged sends, loopback
 * packets and ACKs on one heap; senders that filled it stalled every connection for good.) */
// asterix-args: --mem 256M
#include "check.h"
#include "monotonic.h"
#include "tcp_pairs.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAIRS 128
#define MOST_BYTES (256 << 10)

int main(void)
{
    alarm(120);
    static int clients[PAIRS], servers[PAIRS];
    static long sent[PAIRS], got[PAIRS];
    connect_tcp_pairs(clients, servers, PAIRS);
    /* Each byte says which connection and where: (pair + offset) mod 251. */
    static unsigned char chunk[16384];
    long total_sent = 0;
    for (int i = 0; i < PAIRS; i++) {
        while (sent[i] < MOST_BYTES) {
            for (int b = 0; b < (int)sizeof chunk; b++)
                chunk[b] = (unsigned char)((i + sent[i] + b) % 251);
            ssize_t n = send(clients[i], chunk, sizeof chunk, 0);
            if (n < 0) {
                CHECK(errno == EAGAIN);
                break;
            }
            sent[i] += n;
        }
        total_sent += sent[i];
    }
    double start = now_s(), deadline = start + 60;
    static struct pollfd ready[PAIRS];
    static int pair_of[PAIRS];
    long total_read = 0;
    while (total_read < total_sent) {
        CHECK(now_s() < deadline);
        int waiting = 0;
        for (int i = 0; i < PAIRS; i++) {
            if (got[i] < sent[i]) {
                pair_of[waiting] = i;
                ready[waiting++] = (struct pollfd){.fd = servers[i], .events = POLLIN};
            }
        }
        if (poll(ready, waiting, 1000) <= 0)
            continue;
        for (int w = 0; w < waiting; w++) {
            if (!(ready[w].revents & POLLIN))
                continue;
            int i = pair_of[w];
            ssize_t n = read(servers[i], chunk, sizeof chunk);
            CHECK(n > 0 && got[i] + n <= sent[i]);
            for (ssize_t b = 0; b < n; b++)
                CHECK(chunk[b] == (unsigned char)((i + got[i] + b) % 251));
            got[i] += n;
            total_read += n;
        }
    }
    for (int i = 0; i < PAIRS; i++) {
        close(clients[i]);
        close(servers[i]);
    }
    printf("inet_tcp_many_senders: ok (%ld bytes from %d senders, read in %.1f s)\n", total_sent, PAIRS, now_s() - start);
    return 0;
}
