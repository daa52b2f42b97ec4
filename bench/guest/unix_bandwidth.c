// unix_bandwidth [MIB]: MIB mebibytes (default 256) from a parent to a child over an AF_UNIX
// stream socketpair; prints "RESULT unix_bandwidth ns_per_op=X" per MiB, and MiB/s.
#include "socket_bench.h"

int main(int argc, char **argv)
{
    long mib = argc > 1 ? atol(argv[1]) : 256;
    int fds[2];
    if (mib <= 0 || unix_pair(fds))
        return 2;
    return bandwidth("unix_bandwidth", fds, mib);
}
