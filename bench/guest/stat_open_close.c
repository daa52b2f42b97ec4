// stat_open_close [N [FILE]]: N iterations of stat + open + close on FILE (default /etc/passwd);
// prints "RESULT stat_open_close ns_per_op=X n=N", one op being one iteration (3 syscalls).
// The cost of path lookup and of making and dropping an open file, through glibc's wrappers as
// programs call them (under systrap, patched sites; getpid_loop keeps a row for the trap path).
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

/* One iteration (newfstatat, openat, close); 0 on success. */
static int stat_open_close(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    return close(fd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000;
    const char *path = argc > 2 ? argv[2] : "/etc/passwd";
    if (n <= 0) {
        fprintf(stderr, "usage: stat_open_close [N > 0 [FILE]]\n");
        return 2;
    }
    for (long i = 0; i < n / 100 + 1; i++) { /* warm up */
        if (stat_open_close(path) != 0) {
            perror(path);
            return 1;
        }
    }
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if (stat_open_close(path) != 0) {
            perror(path);
            return 1;
        }
    }
    double t1 = now_ns();
    printf("RESULT stat_open_close ns_per_op=%.1f n=%ld\n", (t1 - t0) / n, n);
    return 0;
}
