/* The benchmarks' clock: CLOCK_MONOTONIC in nanoseconds (through the vDSO where there is one). */
#pragma once

#include <time.h>

static inline double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}
