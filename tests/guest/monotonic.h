/* The guest tests' clock for deadlines and reports: CLOCK_MONOTONIC in seconds. */
#pragma once

#include <time.h>

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
