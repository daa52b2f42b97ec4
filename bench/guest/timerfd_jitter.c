// timerfd_jitter [N]: a periodic 1 ms timerfd read N times; prints
// "RESULT timerfd_jitter ns_per_op=X", X the mean lateness of a wake-up past its expiry.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

int main(int argc, char **argv)
{
    const double period_ns = 1e6;
    long n = argc > 1 ? atol(argv[1]) : 500;
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    if (n <= 0 || fd < 0)
        return 2;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct itimerspec spec = {{0, (long)period_ns}, start};
    spec.it_value.tv_nsec += (long)period_ns;
    if (spec.it_value.tv_nsec >= 1000000000) {
        spec.it_value.tv_sec++;
        spec.it_value.tv_nsec -= 1000000000;
    }
    if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL) != 0)
        return 1;
    double first = spec.it_value.tv_sec * 1e9 + spec.it_value.tv_nsec;
    double late_total = 0;
    uint64_t expirations = 0;
    for (long i = 0; i < n; i++) {
        uint64_t count;
        if (read(fd, &count, sizeof count) != sizeof count)
            return 1;
        expirations += count;
        // The latest expiry this read reports is the one it woke late for.
        late_total += now_ns() - (first + (double)(expirations - 1) * period_ns);
    }
    printf("RESULT timerfd_jitter ns_per_op=%.1f n=%ld\n", late_total / n, n);
    return 0;
}
