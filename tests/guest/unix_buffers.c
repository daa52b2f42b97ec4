/* Socket buffers are bounded: a non-blocking writer gets EAGAIN after a bounded amount (stream
 * and datagram, even with empty messages), poll stops reporting POLLOUT, a blocked writer
 * resumes when the reader drains, and SO_SNDTIMEO/SO_RCVTIMEO end waits with EAGAIN. */
#include "check.h"
#include "monotonic.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long fill(int fd, size_t chunk)
{
    static char data[65536];
    long total = 0;
    for (int i = 0; i < 1000000; ++i) {
        ssize_t n = send(fd, data, chunk, MSG_DONTWAIT);
        if (n < 0) {
            CHECK(errno == EAGAIN);
            return total;
        }
        total += n;
    }
    return -1;
}

int main(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    long stream_total = fill(sv[0], 65536);
    CHECK(stream_total > 0 && stream_total < 8 * 1024 * 1024);
    struct pollfd pfd = {sv[0], POLLOUT, 0};
    CHECK(poll(&pfd, 1, 0) == 0);
    /* One-byte writes are bounded too. */
    int sv2[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv2) == 0);
    long small_total = fill(sv2[0], 1);
    CHECK(small_total > 0 && small_total < 8 * 1024 * 1024);
    close(sv2[0]);
    close(sv2[1]);

    /* A blocked writer finishes once a child drains the other end. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        static char sink[65536];
        long got = 0;
        ssize_t n;
        close(sv[0]);
        while ((n = read(sv[1], sink, sizeof(sink))) > 0)
            got += n;
        _exit(got == stream_total + 1000000 ? 0 : 1);
    }
    close(sv[1]);
    static char big[1000000];
    CHECK(write(sv[0], big, sizeof(big)) == (ssize_t)sizeof(big));
    close(sv[0]);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Datagrams: bounded, also when empty. */
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    long dgram_total = fill(sv[0], 0);
    CHECK(dgram_total == 0);
    close(sv[0]);
    close(sv[1]);

    /* Timeouts end a wait with EAGAIN. */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct timeval tv = {0, 50000};
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
    char byte;
    double start = now_s();
    CHECK_ERR(read(sv[1], &byte, 1), EAGAIN);
    CHECK(now_s() - start >= 0.04);
    fill(sv[0], 65536);
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0);
    start = now_s();
    CHECK_ERR(write(sv[0], big, 100000), EAGAIN);
    CHECK(now_s() - start >= 0.04);
    close(sv[0]);
    close(sv[1]);
    puts("unix_buffers: ok");
    return 0;
}
