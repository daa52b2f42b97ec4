// getpid_glibc [N]: N calls of glibc's getpid(); prints "RESULT getpid_glibc ns_per_op=X".
// glibc's wrapper is `mov $39, %eax; syscall`, the form the systrap platform patches into a
// jump to its handoff (getpid_loop's syscall() moves the number from a register, so its calls
// always trap): this row measures the patched path.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    if (n <= 0) {
        fprintf(stderr, "usage: getpid_glibc [N > 0]\n");
        return 2;
    }
    long sum = 0;
    for (long i = 0; i < n / 100 + 1; i++) /* warm up (and patch) */
        sum += getpid();
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
        sum += getpid();
    double t1 = now_ns();
    if (sum == 0)
        return 1; /* keeps the calls and checks they returned something */
    printf("RESULT getpid_glibc ns_per_op=%.1f n=%ld\n", (t1 - t0) / n, n);
    return 0;
}
