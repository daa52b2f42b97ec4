/* A UDP socket's receive queue is bounded by SO_RCVBUF, as Linux's: datagrams that arrive while
 * it holds its buffer's worth are dropped (each counts its bytes and an sk_buff's overhead, so
 * a flood of empty ones is bounded too); a datagram larger than the buffer still arrives at an
 * empty socket; once read, the queue takes datagrams again. */
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static int self_connected(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(bind(fd, (struct sockaddr *)&address, sizeof address) == 0);
    socklen_t len = sizeof address;
    CHECK(getsockname(fd, (struct sockaddr *)&address, &len) == 0);
    CHECK(connect(fd, (struct sockaddr *)&address, sizeof address) == 0);
    return fd;
}

/* How many datagrams the socket holds; it is empty afterwards. */
static int drain(int fd)
{
    static char buffer[65536];
    int count = 0;
    while (recv(fd, buffer, sizeof buffer, MSG_DONTWAIT) >= 0)
        count++;
    CHECK(errno == EAGAIN);
    return count;
}

int main(void)
{
    alarm(20);
    static char chunk[60000];
    int fd = self_connected();
    int size = 4096;
    CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) == 0);
    socklen_t len = sizeof size;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len) == 0 && size == 8192);
    for (int i = 0; i < 100; i++)
        CHECK(send(fd, chunk, 1000, 0) == 1000);
    int held = drain(fd);
    CHECK(held >= 1 && held * 1000 <= 2 * 8192);
    /* Read, it takes as many again. */
    for (int i = 0; i < 100; i++)
        CHECK(send(fd, chunk, 1000, 0) == 1000);
    CHECK(drain(fd) == held);
    /* Larger than the whole buffer: it arrives at an empty socket, and nothing after it. */
    CHECK(send(fd, chunk, sizeof chunk, 0) == sizeof chunk);
    CHECK(send(fd, chunk, 1000, 0) == 1000);
    CHECK(recv(fd, chunk, sizeof chunk, MSG_DONTWAIT) == sizeof chunk);
    CHECK(drain(fd) == 0);
    close(fd);

    /* Empty datagrams on a socket with the default buffer: bounded all the same. */
    fd = self_connected();
    for (int i = 0; i < 5000; i++)
        CHECK(send(fd, chunk, 0, 0) == 0);
    int empty = drain(fd);
    CHECK(empty >= 100 && empty < 5000);
    close(fd);
    printf("inet_udp_rcvbuf: ok (%d datagrams of 1000 bytes in 8192, %d empty ones by default)\n", held, empty);
    return 0;
}
