// getpid_loop [N]: N raw getpid syscalls; prints "RESULT getpid ns_per_op=X".
// The cost of one syscall round trip through the kernel (or the tracer in front of it).
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    if (n <= 0) {
        fprintf(stderr, "usage: getpid_loop [N > 0]\n");
        return 2;
    }
    long sum = 0;
    for (long i = 0; i < n / 100 + 1; i++) /* warm up */
        sum += syscall(SYS_getpid);
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
        sum += syscall(SYS_getpid);
    double t1 = now_ns();
    if (sum == 0)
        return 1; /* keeps the calls and checks they returned something */
    printf("RESULT getpid ns_per_op=%.1f n=%ld\n", (t1 - t0) / n, n);
    return 0;
}
