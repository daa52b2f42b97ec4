// fork_wait [N]: N times fork a child that exits at once, and wait for it; prints
// "RESULT fork_wait ns_per_op=X". The cost of creating and reaping a process.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    if (n <= 0)
        return 2;
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0)
            _exit(7);
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
            return 1;
    }
    printf("RESULT fork_wait ns_per_op=%.1f n=%ld\n", (now_ns() - t0) / n, n);
    return 0;
}
