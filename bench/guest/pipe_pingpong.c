// pipe_pingpong [N]: a parent and a child pass one byte back and forth N times over two
// pipes; prints "RESULT pipe_pingpong ns_per_op=X" per round trip.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    int ping[2], pong[2];
    if (n <= 0 || pipe(ping) || pipe(pong))
        return 2;
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    char byte = 'x';
    if (pid == 0) {
        for (long i = 0; i < n; i++) {
            if (read(ping[0], &byte, 1) != 1 || write(pong[1], &byte, 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if (write(ping[1], &byte, 1) != 1 || read(pong[0], &byte, 1) != 1)
            return 1;
    }
    double t1 = now_ns();
    int status;
    waitpid(pid, &status, 0);
    printf("RESULT pipe_pingpong ns_per_op=%.1f n=%ld\n", (t1 - t0) / n, n);
    return 0;
}
