// touch_pages [N]: mmaps N fresh anonymous pages and writes one byte in each; prints
// "RESULT touch_pages ns_per_op=X". The cost of a demand-zero page fault.
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "bench_clock.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000;
    if (n <= 0) {
        fprintf(stderr, "usage: touch_pages [N > 0]\n");
        return 2;
    }
    size_t len = (size_t)n * 4096;
    double t0 = now_ns();
    volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("touch_pages: mmap");
        return 1;
    }
    for (size_t off = 0; off < len; off += 4096)
        p[off] = 1;
    double t1 = now_ns();
    for (size_t off = 0; off < len; off += 4096)
        if (p[off] != 1)
            return 1;
    printf("RESULT touch_pages ns_per_op=%.1f n=%ld\n", (t1 - t0) / n, n);
    return 0;
}
