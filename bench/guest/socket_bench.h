// Shared by the socket benchmarks: connected pairs of loopback sockets, a one-byte ping-pong
// between a parent and a forked child, and a one-way bulk transfer.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

// A connected TCP pair over 127.0.0.1 (a kernel-chosen port), Nagle off on both ends.
static inline int tcp_pair(int fds[2])
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof address;
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 1)
        || getsockname(listener, (struct sockaddr *)&address, &len))
        return -1;
    fds[0] = socket(AF_INET, SOCK_STREAM, 0);
    if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&address, sizeof address))
        return -1;
    fds[1] = accept(listener, NULL, NULL);
    close(listener);
    int on = 1;
    if (fds[1] < 0 || setsockopt(fds[0], IPPROTO_TCP, TCP_NODELAY, &on, sizeof on)
        || setsockopt(fds[1], IPPROTO_TCP, TCP_NODELAY, &on, sizeof on))
        return -1;
    return 0;
}

// Two UDP sockets on 127.0.0.1 connected to each other.
static inline int udp_pair(int fds[2])
{
    struct sockaddr_in address[2];
    for (int i = 0; i < 2; i++) {
        socklen_t len = sizeof address[i];
        memset(&address[i], 0, sizeof address[i]);
        address[i].sin_family = AF_INET;
        address[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&address[i], sizeof address[i])
            || getsockname(fds[i], (struct sockaddr *)&address[i], &len))
            return -1;
    }
    if (connect(fds[0], (struct sockaddr *)&address[1], sizeof address[1])
        || connect(fds[1], (struct sockaddr *)&address[0], sizeof address[0]))
        return -1;
    return 0;
}

static inline int unix_pair(int fds[2]) { return socketpair(AF_UNIX, SOCK_STREAM, 0, fds); }

// N round trips of one byte; prints the ns per round trip.
static inline int pingpong(const char *name, int fds[2], long n)
{
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    char byte = 'x';
    if (pid == 0) {
        close(fds[0]);
        for (long i = 0; i < n; i++) {
            if (read(fds[1], &byte, 1) != 1 || write(fds[1], &byte, 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    close(fds[1]);
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if (write(fds[0], &byte, 1) != 1 || read(fds[0], &byte, 1) != 1)
            return 1;
    }
    double t1 = now_ns();
    int status;
    waitpid(pid, &status, 0);
    printf("RESULT %s ns_per_op=%.1f n=%ld\n", name, (t1 - t0) / n, n);
    return 0;
}

// MIB mebibytes one way in 64 KiB writes, until the reader has them all; prints the ns per
// MiB (and the MiB/s it makes).
static inline int bandwidth(const char *name, int fds[2], long mib)
{
    enum { chunk = 64 * 1024 };
    static char buffer[chunk];
    long long total = mib * 1024LL * 1024;
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        close(fds[0]);
        long long got = 0;
        ssize_t r;
        while (got < total && (r = read(fds[1], buffer, chunk)) > 0)
            got += r;
        char done = 'd';
        _exit(got == total && write(fds[1], &done, 1) == 1 ? 0 : 1);
    }
    close(fds[1]);
    memset(buffer, 'b', chunk);
    double t0 = now_ns();
    for (long long sent = 0; sent < total;) {
        ssize_t w = write(fds[0], buffer, chunk);
        if (w <= 0)
            return 1;
        sent += w;
    }
    char done;
    if (read(fds[0], &done, 1) != 1)
        return 1;
    double t1 = now_ns();
    int status;
    waitpid(pid, &status, 0);
    double ns_per_mib = (t1 - t0) / mib;
    printf("RESULT %s ns_per_op=%.1f n=%ld mib_per_s=%.1f\n", name, ns_per_mib, mib, 1e9 / ns_per_mib);
    return 0;
}
