// eventfd_pingpong [N]: a parent and a child wake each other N times through two eventfds;
// prints "RESULT eventfd_pingpong ns_per_op=X" per round trip.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    int ping = eventfd(0, 0), pong = eventfd(0, 0);
    if (n <= 0 || ping < 0 || pong < 0)
        return 2;
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    uint64_t value = 1;
    if (pid == 0) {
        for (long i = 0; i < n; i++) {
            if (read(ping, &value, sizeof value) != sizeof value || write(pong, &value, sizeof value) != sizeof value)
                _exit(1);
        }
        _exit(0);
    }
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if (write(ping, &value, sizeof value) != sizeof value || read(pong, &value, sizeof value) != sizeof value)
            return 1;
    }
    double t1 = now_ns();
    int status;
    waitpid(pid, &status, 0);
    printf("RESULT eventfd_pingpong ns_per_op=%.1f n=%ld\n", (t1 - t0) / n, n);
    return 0;
}
