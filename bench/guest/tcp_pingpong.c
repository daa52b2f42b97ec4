// tcp_pingpong [N]: a parent and a child pass one byte back and forth N times over a
// connected tcp loopback pair; prints "RESULT tcp_pingpong ns_per_op=X" per round trip.
#include "socket_bench.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    int fds[2];
    if (n <= 0 || tcp_pair(fds))
        return 2;
    return pingpong("tcp_pingpong", fds, n);
}
