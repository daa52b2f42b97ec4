// tcp_bandwidth [MIB]: MIB mebibytes (default 256) from a parent to a child over a connected
// tcp loopback pair; prints "RESULT tcp_bandwidth ns_per_op=X" per MiB, and MiB/s.
#include "socket_bench.h"

int main(int argc, char **argv)
{
    long mib = argc > 1 ? atol(argv[1]) : 256;
    int fds[2];
    if (mib <= 0 || tcp_pair(fds))
        return 2;
    return bandwidth("tcp_bandwidth", fds, mib);
}
