// futex_pingpong [N]: two threads hand a turn back and forth N times with FUTEX_WAIT and
// FUTEX_WAKE on one word; prints "RESULT futex_pingpong ns_per_op=X" per round trip.
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

static _Atomic int turn;
static long rounds;

static void wait_for(int value)
{
    int seen;
    while ((seen = atomic_load(&turn)) != value)
        syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

static void hand_to(int value)
{
    atomic_store(&turn, value);
    syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *partner(void *arg)
{
    for (long i = 0; i < rounds; i++) {
        wait_for(1);
        hand_to(0);
    }
    return arg;
}

int main(int argc, char **argv)
{
    rounds = argc > 1 ? atol(argv[1]) : 10000;
    if (rounds <= 0)
        return 2;
    pthread_t thread;
    if (pthread_create(&thread, NULL, partner, NULL))
        return 1;
    double t0 = now_ns();
    for (long i = 0; i < rounds; i++) {
        hand_to(1);
        wait_for(0);
    }
    double t1 = now_ns();
    pthread_join(thread, NULL);
    printf("RESULT futex_pingpong ns_per_op=%.1f n=%ld\n", (t1 - t0) / rounds, rounds);
    return 0;
}
