// thread_create [N]: N times create a thread that returns at once, and join it; prints
// "RESULT thread_create ns_per_op=X".
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_clock.h"

static void *body(void *arg) { return arg; }

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000;
    if (n <= 0)
        return 2;
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        pthread_t thread;
        void *result;
        if (pthread_create(&thread, NULL, body, (void *)i) || pthread_join(thread, &result) || result != (void *)i)
            return 1;
    }
    printf("RESULT thread_create ns_per_op=%.1f n=%ld\n", (now_ns() - t0) / n, n);
    return 0;
}
