/* getsockopt(IPPROTO_TCP, TCP_INFO): struct tcp_info's leading fields with Linux's TCP state
 * numbers (7 closed, 10 listening, 1 established, 8 after the peer's FIN), a closed socket's
 * initial values (1 s timeout, MSS 536, window 10, no slow-start threshold), a listener's
 * queue and backlog; Linux's length rules (a shorter length gets a prefix and reads back
 * so, a negative one is EINVAL). The keepalive options keep what was set, in Linux's ranges
 * (EINVAL outside), and an accepted socket inherits the listener's. IPPROTO_TCP options on a
 * socket that is not TCP fail as Linux's do: EOPNOTSUPP for AF_UNIX and for getsockopt on
 * AF_INET UDP, ENOPROTOOPT for setsockopt there and for AF_INET6 UDP. */
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

static struct tcp_info info_of(int fd)
{
    struct tcp_info info;
    memset(&info, 0xa5, sizeof info);
    socklen_t len = sizeof info;
    CHECK(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0);
    CHECK(len == sizeof info);
    return info;
}

static int int_option(int fd, int name)
{
    int value = -1;
    socklen_t len = sizeof value;
    CHECK(getsockopt(fd, IPPROTO_TCP, name, &value, &len) == 0 && len == sizeof value);
    return value;
}

static void set_int(int fd, int name, int value) { CHECK(setsockopt(fd, IPPROTO_TCP, name, &value, sizeof value) == 0); }

static void check_keepalive_ranges(int fd)
{
    int bad[][2] = {{TCP_KEEPIDLE, 0}, {TCP_KEEPIDLE, 32768}, {TCP_KEEPINTVL, 0}, {TCP_KEEPINTVL, 32768}, {TCP_KEEPCNT, 0}, {TCP_KEEPCNT, 128}, {TCP_KEEPCNT, -1}};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_ERR(setsockopt(fd, IPPROTO_TCP, bad[i][0], &bad[i][1], sizeof(int)), EINVAL);
    CHECK(int_option(fd, TCP_KEEPIDLE) == 7200 && int_option(fd, TCP_KEEPINTVL) == 75 && int_option(fd, TCP_KEEPCNT) == 9);
    set_int(fd, TCP_KEEPIDLE, 32767);
    set_int(fd, TCP_KEEPINTVL, 32767);
    set_int(fd, TCP_KEEPCNT, 127);
    CHECK(int_option(fd, TCP_KEEPIDLE) == 32767 && int_option(fd, TCP_KEEPINTVL) == 32767 && int_option(fd, TCP_KEEPCNT) == 127);
}

int main(void)
{
    alarm(20);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(listener >= 0);

    /* A closed socket. */
    struct tcp_info info = info_of(listener);
    CHECK(info.tcpi_state == 7);
    CHECK(info.tcpi_rto == 1000000 && info.tcpi_snd_mss == 536 && info.tcpi_snd_cwnd == 10);
    CHECK(info.tcpi_snd_ssthresh == 0x7fffffff && info.tcpi_rtt == 0 && info.tcpi_unacked == 0);

    /* Lengths: a prefix, nothing, EINVAL for a negative one, at most the kernel's size. */
    unsigned char prefix[8];
    memset(prefix, 0xa5, sizeof prefix);
    socklen_t len = 3;
    CHECK(getsockopt(listener, IPPROTO_TCP, TCP_INFO, prefix, &len) == 0 && len == 3);
    CHECK(prefix[0] == 7 && prefix[3] == 0xa5);
    len = 0;
    CHECK(getsockopt(listener, IPPROTO_TCP, TCP_INFO, prefix, &len) == 0 && len == 0);
    int negative = -1;
    CHECK_ERR(getsockopt(listener, IPPROTO_TCP, TCP_INFO, prefix, (socklen_t *)&negative), EINVAL);
    static unsigned char big[1024];
    len = sizeof big;
    CHECK(getsockopt(listener, IPPROTO_TCP, TCP_INFO, big, &len) == 0);
    CHECK(len >= sizeof(struct tcp_info) && len < sizeof big);
    len = sizeof info;
    CHECK_ERR(getsockopt(listener, IPPROTO_TCP, TCP_INFO, BAD_PTR, &len), EFAULT);
    CHECK_ERR(setsockopt(listener, IPPROTO_TCP, TCP_INFO, &info, sizeof info), ENOPROTOOPT);

    /* Keepalive settings: Linux's defaults and ranges; kept; inherited by accepted sockets. */
    check_keepalive_ranges(listener);
    set_int(listener, TCP_KEEPIDLE, 5);
    set_int(listener, TCP_KEEPINTVL, 2);
    set_int(listener, TCP_KEEPCNT, 3);
    CHECK(int_option(listener, TCP_KEEPIDLE) == 5 && int_option(listener, TCP_KEEPINTVL) == 2 && int_option(listener, TCP_KEEPCNT) == 3);
    int on = 1;
    CHECK(setsockopt(listener, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == 0);

    /* A listener: its accept queue and backlog. */
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(bind(listener, (struct sockaddr *)&address, sizeof address) == 0);
    CHECK(listen(listener, 5) == 0);
    socklen_t address_len = sizeof address;
    CHECK(getsockname(listener, (struct sockaddr *)&address, &address_len) == 0);
    info = info_of(listener);
    CHECK(info.tcpi_state == 10 && info.tcpi_unacked == 0 && info.tcpi_sacked == 5);

    int client = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(client >= 0);
    CHECK(connect(client, (struct sockaddr *)&address, sizeof address) == 0);
    struct pollfd ready = {.fd = listener, .events = POLLIN};
    CHECK(poll(&ready, 1, 10000) == 1);
    CHECK(info_of(listener).tcpi_unacked == 1);
    int server = accept(listener, NULL, NULL);
    CHECK(server >= 0);
    CHECK(info_of(listener).tcpi_unacked == 0);
    CHECK(int_option(server, TCP_KEEPIDLE) == 5 && int_option(server, TCP_KEEPINTVL) == 2 && int_option(server, TCP_KEEPCNT) == 3);
    int value = 0;
    socklen_t value_len = sizeof value;
    CHECK(getsockopt(server, SOL_SOCKET, SO_KEEPALIVE, &value, &value_len) == 0 && value == 1);

    /* Established, both ends. */
    CHECK(write(client, "ping", 4) == 4);
    char buffer[8];
    CHECK(read(server, buffer, sizeof buffer) == 4);
    int ends[] = {client, server};
    for (int i = 0; i < 2; i++) {
        info = info_of(ends[i]);
        CHECK(info.tcpi_state == 1);
        CHECK(info.tcpi_rto > 0 && info.tcpi_snd_mss > 0 && info.tcpi_rcv_mss > 0);
        CHECK(info.tcpi_snd_cwnd > 0 && info.tcpi_advmss > 0);
    }

    /* The peer's FIN: CLOSE_WAIT. */
    CHECK(close(server) == 0);
    struct pollfd hangup = {.fd = client, .events = POLLIN | POLLRDHUP};
    CHECK(poll(&hangup, 1, 10000) == 1 && (hangup.revents & POLLRDHUP));
    CHECK(info_of(client).tcpi_state == 8);
    close(client);
    close(listener);

    /* Sockets that are not TCP. */
    int udp = socket(AF_INET, SOCK_DGRAM, 0), udp6 = socket(AF_INET6, SOCK_DGRAM, 0), unix_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(udp >= 0 && udp6 >= 0 && unix_fd >= 0);
    len = sizeof info;
    CHECK_ERR(getsockopt(udp, IPPROTO_TCP, TCP_INFO, &info, &len), EOPNOTSUPP);
    CHECK_ERR(setsockopt(udp, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on), ENOPROTOOPT);
    CHECK_ERR(getsockopt(udp6, IPPROTO_TCP, TCP_INFO, &info, &len), ENOPROTOOPT);
    CHECK_ERR(setsockopt(udp6, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on), ENOPROTOOPT);
    CHECK_ERR(getsockopt(unix_fd, IPPROTO_TCP, TCP_INFO, &info, &len), EOPNOTSUPP);
    CHECK_ERR(setsockopt(unix_fd, IPPROTO_TCP, TCP_KEEPIDLE, &on, sizeof on), EOPNOTSUPP);
    printf("inet_tcp_info: ok\n");
    return 0;
}
