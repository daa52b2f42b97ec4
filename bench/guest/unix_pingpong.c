// unix_pingpong [N]: a parent and a child pass one byte back and forth N times over an
// AF_UNIX stream socketpair; prints "RESULT unix_pingpong ns_per_op=X" per round trip.
#include "socket_bench.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    int fds[2];
    if (n <= 0 || unix_pair(fds))
        return 2;
    return pingpong("unix_pingpong", fds, n);
}
