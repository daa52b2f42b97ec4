// clock_gettime_loop [N]: N glibc clock_gettime(CLOCK_MONOTONIC) calls; prints
// "RESULT clock_gettime ns_per_op=X". Through a vDSO a call never leaves user mode; without
// one (or where it falls back) each is a syscall round trip.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_clock.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    if (n <= 0) {
        fprintf(stderr, "usage: clock_gettime_loop [N > 0]\n");
        return 2;
    }
    struct timespec ts;
    long sum = 0;
    for (long i = 0; i < n / 100 + 1; i++) /* warm up */
        sum += clock_gettime(CLOCK_MONOTONIC, &ts) == 0;
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
        sum += clock_gettime(CLOCK_MONOTONIC, &ts) == 0;
    double t1 = now_ns();
    if (sum != n + n / 100 + 1)
        return 1; /* every call must succeed */
    printf("RESULT clock_gettime ns_per_op=%.1f n=%ld\n", (t1 - t0) / n, n);
    return 0;
}
